"""Short human references (``C-7KQ3M9TX``): quoted in emails and on the phone, never a key.

The alphabet leaves out characters that are easily confused when read aloud or copied by hand
(0/O, 1/I). A reference grants no access; self-service links use separate secret tokens.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8


def new_reference(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_reference(text: str) -> str:
    """What a person typed (``c-7kq3 m9tx``) in the stored form (``C-7KQ3M9TX``)."""
    return "".join(text.split()).upper()
