"""The password policy (OWASP ASVS 4.0 section 2.1): at least 12 characters, at most 1,000, and not guessable.

"Guessable" is judged by zxcvbn (Dropbox's estimator, with its lists of the most common passwords, names,
English words and keyboard patterns, and the user's own e-mail and name as words an attacker would try first):
a password it scores below 3 of 4 ("safely unguessable: moderate protection from offline slow-hash attacks")
is refused with zxcvbn's own advice. No composition rules (ASVS 2.1.9): a long phrase is good.
"""

from __future__ import annotations

from collections.abc import Sequence

from cyberrx.errors import InvalidInput

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1000
MIN_SCORE = 3
#: zxcvbn's work grows with the length; beyond this many characters a password is long enough to judge by its start
_JUDGED_CHARACTERS = 100


def check_password(password: str, user_inputs: Sequence[str] = ()) -> None:
    """InvalidInput (field ``password``) unless ``password`` follows the policy; ``user_inputs``: the user's
    e-mail, name and organisation, which a password must not lean on."""
    allowed = (f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters that are hard to guess: a phrase of "
               "several unrelated words works well")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("the password is too short", field="password", allowed=allowed)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput("the password is too long", field="password", allowed=allowed)
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]

    words = [w for value in user_inputs for w in value.replace("@", " ").replace(".", " ").split() if len(w) > 2]
    result = zxcvbn(password[:_JUDGED_CHARACTERS], user_inputs=words)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        why = feedback.get("warning") or "it is too easy to guess"
        raise InvalidInput(f"the password is too easy to guess: {why.rstrip('.')}", field="password",
                           allowed=allowed)


__all__ = ["MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "MIN_SCORE", "check_password"]
