"""Password hashing with Argon2id (argon2-cffi's tuned defaults); old hashes are upgraded on login."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        # Spend the same time as a real check, so that timing does not reveal unknown accounts.
        _dummy_check(password)
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


_DUMMY = _hasher.hash("bianmu-dummy-password")


def _dummy_check(password: str) -> None:
    try:
        _hasher.verify(_DUMMY, password)
    except VerificationError:
        pass
