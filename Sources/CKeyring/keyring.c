#include "sotay_keyring.h"

#include <errno.h>

#if defined(__linux__)
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// The key's permissions: everything for a process that possesses it, view, read, search and
// write for the same user (the uid); nothing for the group or others.
static const unsigned long sotay_key_permissions = 0x3f000000UL | 0x001f0000UL;

static long sotay_result(long value) { return value < 0 ? -errno : value; }

long sotay_keyring_add(const char *description, const void *payload, size_t length, unsigned timeout_seconds) {
    long key = syscall(SYS_add_key, "user", description, payload, length, KEY_SPEC_USER_KEYRING);
    if (key < 0) return -errno;
    if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, sotay_key_permissions) < 0 ||
        syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, key, timeout_seconds) < 0) {
        long failure = -errno;
        syscall(SYS_keyctl, KEYCTL_INVALIDATE, key);
        return failure;
    }
    return key;
}

long sotay_keyring_find(const char *description) {
    return sotay_result(syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, "user", description, 0));
}

long sotay_keyring_read(long key, void *buffer, size_t capacity) {
    return sotay_result(syscall(SYS_keyctl, KEYCTL_READ, key, buffer, capacity));
}

long sotay_keyring_set_timeout(long key, unsigned timeout_seconds) {
    return sotay_result(syscall(SYS_keyctl, KEYCTL_SET_TIMEOUT, key, timeout_seconds));
}

long sotay_keyring_invalidate(long key) {
    return sotay_result(syscall(SYS_keyctl, KEYCTL_INVALIDATE, key));
}

#else

long sotay_keyring_add(const char *description, const void *payload, size_t length, unsigned timeout_seconds) { return -ENOSYS; }
long sotay_keyring_find(const char *description) { return -ENOSYS; }
long sotay_keyring_read(long key, void *buffer, size_t capacity) { return -ENOSYS; }
long sotay_keyring_set_timeout(long key, unsigned timeout_seconds) { return -ENOSYS; }
long sotay_keyring_invalidate(long key) { return -ENOSYS; }

#endif
