"""The common questions travellers ask, answered in their language."""

from __future__ import annotations

from kiosk.core.messages import N_

FAQ = (
    (N_("How long until the renewal works?"),
     N_("Usually at once. If your phone still shows the old date, restart it; "
        "in rare cases it takes up to 15 minutes.")),
    (N_("What if the payment fails?"),
     N_("Nothing is charged for a declined or cancelled payment. You can try again or "
        "choose another way to pay. If the renewal fails after payment, the money is "
        "returned automatically and you get a slip.")),
    (N_("Can I renew in another city?"),
     N_("Yes. The card can be renewed at any of our kiosks and shops in the country.")),
    (N_("Can two people share a card?"),
     N_("A card belongs to one SIM and one phone number. Each traveller needs their own card.")),
    (N_("Where does the code come from?"),
     N_("By SMS to the phone number bound to the card. Keep the SIM card in your phone "
        "while you renew.")),
)
