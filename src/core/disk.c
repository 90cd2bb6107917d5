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

/* dir is a device's folder in sysfs; depth bounds a loop in a bad tree. */
static gn_disk_crypt device_crypt(const char *dir, int depth)
{
	char p[PATH_MAX], uuid[256];
	if (depth > 8)
		return GN_DISK_UNKNOWN;
	snprintf(p, sizeof p, "%s/dm/uuid", dir);
	if (read_line(p, uuid, sizeof uuid) && strncmp(uuid, "CRYPT-", 6) == 0)
		return GN_DISK_ENCRYPTED;
	/* a partition: the disk it is on is the folder above */
	snprintf(p, sizeof p, "%s/partition", dir);
	if (exists(p)) {
		char parent[PATH_MAX];
		snprintf(p, sizeof p, "%s/..", dir);
		if (!realpath(p, parent))
			return GN_DISK_UNKNOWN;
		return device_crypt(parent, depth + 1);
	}
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
	struct stat sb;
	if (!path || stat(path, &sb) != 0)
		return GN_DISK_UNKNOWN;
	if (major(sb.st_dev) == 0)
		return GN_DISK_UNKNOWN; /* tmpfs, overlay, FUSE, 9p: no block device */
	char link[PATH_MAX], dir[PATH_MAX];
	snprintf(link, sizeof link, "%s/dev/block/%u:%u", sysfs_root ? sysfs_root : "/sys", major(sb.st_dev),
	         minor(sb.st_dev));
	if (!realpath(link, dir))
		return GN_DISK_UNKNOWN;
	return device_crypt(dir, 0);
}

/* The folder of a device in sysfs that is its disk (a partition's parent). */
static bool disk_dir(const char *path, const char *sysfs_root, char out[PATH_MAX])
{
	struct stat sb;
	char probe[PATH_MAX];
	snprintf(probe, sizeof probe, "%s", path);
	/* a file not written yet: the folder it goes in */
	while (stat(probe, &sb) != 0) {
		char *slash = strrchr(probe, '/');
		if (!slash)
			snprintf(probe, sizeof probe, ".");
		else if (slash == probe)
			probe[1] = '\0';
		else
			*slash = '\0';
		if (strcmp(probe, ".") == 0 || strcmp(probe, "/") == 0) {
			if (stat(probe, &sb) != 0)
				return false;
			break;
		}
	}
	if (major(sb.st_dev) == 0)
		return false;
	char link[PATH_MAX], p[PATH_MAX + 16];
	snprintf(link, sizeof link, "%s/dev/block/%u:%u", sysfs_root ? sysfs_root : "/sys", major(sb.st_dev),
	         minor(sb.st_dev));
	if (!realpath(link, out))
		return false;
	snprintf(p, sizeof p, "%s/partition", out);
	if (exists(p)) {
		snprintf(p, sizeof p, "%s/..", out);
		char parent[PATH_MAX];
		if (!realpath(p, parent))
			return false;
		snprintf(out, PATH_MAX, "%s", parent);
	}
	return true;
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
