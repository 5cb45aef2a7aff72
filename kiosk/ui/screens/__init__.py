"""One builder per screen: ``build(ctx) -> Widget``, chosen by the View's step."""
