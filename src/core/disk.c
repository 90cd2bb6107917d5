/* The block devices under a file, read from sysfs: /sys/dev/block/MAJ:MIN
 * is the device (a partition's disk is its parent folder); dm/uuid names a
 * device-mapper target ("CRYPT-..." for dm-crypt); slaves/ lists what a
 * mapped or RAID device sits on. */
#include "gonha/core/disk.h"

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static bool read_line(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(out, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		out[strcspn(out, "\n")] = '\0';
	return ok;
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* A partition's disk is the folder above it: 1 and out set if dir is a
 * partition, 0 if it is not, -1 if its disk cannot be found. */
static int partition_disk(const char *dir, char out[PATH_MAX])
{
	char p[PATH_MAX + 16];
	snprintf(p, sizeof p, "%s/partition", dir);
	if (!exists(p))
		return 0;
	snprintf(p, sizeof p, "%s/..", dir);
	return realpath(p, out) ? 1 : -1;
}

/* The folder in sysfs of the block device that holds path (which must
 * exist); false for tmpfs, overlay, FUSE, 9p: no block device. */
static bool device_dir(const char *path, const char *sysfs_root, char out[PATH_MAX])
{
	struct stat sb;
	if (!path || stat(path, &sb) != 0 || major(sb.st_dev) == 0)
		return false;
	char link[PATH_MAX];
	snprintf(link, sizeof link, "%s/dev/block/%u:%u", sysfs_root ? sysfs_root : "/sys", major(sb.st_dev),
	         minor(sb.st_dev));
	return realpath(link, out) != NULL;
}

/* dir is a device's folder in sysfs; depth bounds a loop in a bad tree. */
static gn_disk_crypt device_crypt(const char *dir, int depth)
{
	char p[PATH_MAX], uuid[256];
	if (depth > 8)
		return GN_DISK_UNKNOWN;
	snprintf(p, sizeof p, "%s/dm/uuid", dir);
	if (read_line(p, uuid, sizeof uuid) && strncmp(uuid, "CRYPT-", 6) == 0)
		return GN_DISK_ENCRYPTED;
	/* a partition: the disk it is on */
	char disk[PATH_MAX];
	int part = partition_disk(dir, disk);
	if (part != 0)
		return part > 0 ? device_crypt(disk, depth + 1) : GN_DISK_UNKNOWN;
	snprintf(p, sizeof p, "%s/slaves", dir);
	DIR *d = opendir(p);
	if (!d)
		return GN_DISK_PLAIN; /* a disk of its own, not mapped */
	/* encrypted only if every device below is (a RAID of one encrypted
	 * and one plain disk is not) */
	int below_n = 0, encrypted = 0;
	bool plain = false;
	struct dirent *e;
	while (!plain && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char below[PATH_MAX], real[PATH_MAX];
		snprintf(below, sizeof below, "%s/slaves/%s", dir, e->d_name);
		gn_disk_crypt c = realpath(below, real) ? device_crypt(real, depth + 1) : GN_DISK_UNKNOWN;
		below_n++;
		encrypted += c == GN_DISK_ENCRYPTED;
		plain = c == GN_DISK_PLAIN;
	}
	closedir(d);
	if (plain || below_n == 0)
		return GN_DISK_PLAIN;
	return encrypted == below_n ? GN_DISK_ENCRYPTED : GN_DISK_UNKNOWN;
}

gn_disk_crypt gn_disk_encryption(const char *path, const char *sysfs_root)
{
	char dir[PATH_MAX];
	return device_dir(path, sysfs_root, dir) ? device_crypt(dir, 0) : GN_DISK_UNKNOWN;
}

/* The folder in sysfs of the disk that holds path (a partition's disk);
 * a file not written yet: the folder it goes in. */
static bool disk_dir(const char *path, const char *sysfs_root, char out[PATH_MAX])
{
	struct stat sb;
	char probe[PATH_MAX];
	snprintf(probe, sizeof probe, "%s", path);
	while (stat(probe, &sb) != 0) {
		if (strcmp(probe, "/") == 0 || strcmp(probe, ".") == 0)
			return false;
		char *slash = strrchr(probe, '/');
		if (!slash || slash == probe)
			snprintf(probe, sizeof probe, "%s", slash ? "/" : ".");
		else
			*slash = '\0';
	}
	if (!device_dir(probe, sysfs_root, out))
		return false;
	char disk[PATH_MAX];
	int part = partition_disk(out, disk);
	if (part > 0)
		snprintf(out, PATH_MAX, "%s", disk);
	return part >= 0;
}

bool gn_disk_removable(const char *path, const char *sysfs_root)
{
	if (!path || !*path)
		return false;
	char abs[PATH_MAX];
	if (path[0] != '/' && getcwd(abs, sizeof abs))
		snprintf(abs + strlen(abs), sizeof abs - strlen(abs), "/%s", path);
	else
		snprintf(abs, sizeof abs, "%s", path);
	if (strncmp(abs, "/media/", 7) == 0 || strncmp(abs, "/run/media/", 11) == 0)
		return true;
	char dir[PATH_MAX], p[PATH_MAX + 16], flag[8];
	if (!disk_dir(abs, sysfs_root, dir))
		return false;
	snprintf(p, sizeof p, "%s/removable", dir);
	if (read_line(p, flag, sizeof flag) && strcmp(flag, "1") == 0)
		return true;
	return strstr(dir, "/usb") != NULL;
}
