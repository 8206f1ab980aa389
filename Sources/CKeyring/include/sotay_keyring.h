#ifndef SOTAY_KEYRING_H
#define SOTAY_KEYRING_H

#include <stddef.h>

/// Linux's kernel key retention service (keyrings(7)), as Sổ Tay uses it: one "user" key in the
/// user's keyring, readable only by processes of the same user, dropped by the kernel when its
/// timeout passes. Every function returns a negative errno on failure (-ENOSYS off Linux).

/// Adds (or replaces) the key named `description` with `length` bytes, expiring after
/// `timeout_seconds`. Returns the key's serial number.
long sotay_keyring_add(const char *description, const void *payload, size_t length, unsigned timeout_seconds);

/// The serial number of the key named `description` in the user's keyring.
long sotay_keyring_find(const char *description);

/// Copies up to `capacity` bytes of the key into `buffer`; returns the key's full length.
long sotay_keyring_read(long key, void *buffer, size_t capacity);

/// Sets the key to expire `timeout_seconds` from now.
long sotay_keyring_set_timeout(long key, unsigned timeout_seconds);

/// Invalidates the key: it is gone at once for every process.
long sotay_keyring_invalidate(long key);

#endif
