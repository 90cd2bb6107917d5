/* Whether a file lies on an encrypted disk, as far as Linux can tell:
 * the block devices under it (through LVM, RAID, partitions) in sysfs, a
 * dm-crypt (LUKS) one among them or not. A file on a network share, in a
 * container's overlay or on WSL's drives has no block device to look at:
 * unknown, and nothing is said (BitLocker under WSL cannot be seen). */
#ifndef GONHA_CORE_DISK_H
#define GONHA_CORE_DISK_H

#include <stdbool.h>

typedef enum gn_disk_crypt {
	GN_DISK_UNKNOWN = 0, /* no block device seen: cannot tell */
	GN_DISK_ENCRYPTED,   /* a dm-crypt device holds it */
	GN_DISK_PLAIN,       /* block devices all the way down, none encrypted */
} gn_disk_crypt;

/* sysfs_root is "/sys" (a test gives a tree of its own). */
gn_disk_crypt gn_disk_encryption(const char *path, const char *sysfs_root);

/* Whether path (a file, or the folder a new file would go in) is on a
 * removable disk, a USB stick: its disk says "removable" or hangs off a
 * USB bus in sysfs, or it is mounted where desktops mount sticks
 * (/media/, /run/media/). */
bool gn_disk_removable(const char *path, const char *sysfs_root);

#endif
