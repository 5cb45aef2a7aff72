"""A stand-in for Sber's ``sb_pilot``, written from the file formats the adapter reads."""
