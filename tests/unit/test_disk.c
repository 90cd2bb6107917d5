/* Whether the database's disk is encrypted, read from a sysfs tree made
 * here the way Linux lays it out: a LUKS device, LVM on LUKS, a plain
 * partition, a RAID of an encrypted and a plain disk, no device at all. */
#include "testlib.h"
#include "gonha/core/disk.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char root[1024], file[1100], dev[64];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	REQUIRE(system(cmd) == 0);
}

/* A fresh tree whose /dev/block entry for the test file's disk points at
 * devices/<target>; dev stays empty if that file has no block device
 * (tmpfs). */
static void tree(const char *target)
{
	snprintf(root, sizeof root, "%s/sys", gn_test_tmpdir());
	snprintf(file, sizeof file, "%s/ward.db", gn_test_tmpdir());
	sh("rm -rf '%s' && mkdir -p '%s/dev/block' '%s/devices' && touch '%s'", root, root, root, file);
	struct stat sb;
	REQUIRE(stat(file, &sb) == 0);
	dev[0] = '\0';
	if (major(sb.st_dev) == 0)
		return;
	snprintf(dev, sizeof dev, "%u:%u", major(sb.st_dev), minor(sb.st_dev));
	if (target)
		sh("ln -s '../../devices/%s' '%s/dev/block/%s'", target, root, dev);
}

static void device(const char *name, const char *dm_uuid)
{
	sh("mkdir -p '%s/devices/%s/slaves'", root, name);
	if (dm_uuid)
		sh("mkdir -p '%s/devices/%s/dm' && echo '%s' > '%s/devices/%s/dm/uuid'", root, name, dm_uuid, root, name);
}

static void on(const char *upper, const char *lower)
{
	sh("ln -s '../../%s' '%s/devices/%s/slaves/%s'", lower, root, upper, lower);
}

static void what_linux_shows(void)
{
	tree("luks");
	if (!dev[0])
		SKIP("the test folder is on a filesystem with no block device");
	device("luks", "CRYPT-LUKS2-0123456789abcdef-luks");
	CHECK_EQ_INT(gn_disk_encryption(file, root), GN_DISK_ENCRYPTED);

	/* LVM on LUKS: the logical volume sits on the encrypted device */
	tree("lv");
	device("lv", "LVM-abcdef");
	device("crypt", "CRYPT-LUKS1-feed-crypt");
	on("lv", "crypt");
	CHECK_EQ_INT(gn_disk_encryption(file, root), GN_DISK_ENCRYPTED);

	/* a partition of a plain disk: its disk is the folder above */
	tree("sda/sda2");
	sh("mkdir -p '%s/devices/sda/sda2' && echo 2 > '%s/devices/sda/sda2/partition'", root, root);
	CHECK_EQ_INT(gn_disk_encryption(file, root), GN_DISK_PLAIN);

	/* RAID of an encrypted and a plain disk: not encrypted */
	tree("md0");
	device("md0", NULL);
	device("c1", "CRYPT-PLAIN-c1");
	device("plain", NULL);
	on("md0", "c1");
	on("md0", "plain");
	CHECK_EQ_INT(gn_disk_encryption(file, root), GN_DISK_PLAIN);

	/* no entry for the device (a network share, WSL's drives): cannot tell */
	tree(NULL);
	CHECK_EQ_INT(gn_disk_encryption(file, root), GN_DISK_UNKNOWN);
	CHECK_EQ_INT(gn_disk_encryption("/no/such/file", root), GN_DISK_UNKNOWN);
}

/* A USB stick: its disk says removable, or sits on a USB bus; a file not
 * written yet is judged by its folder. */
static void a_usb_stick_is_told_apart(void)
{
	tree("sdb/sdb1");
	if (!dev[0])
		SKIP("the test folder is on a filesystem with no block device");
	sh("mkdir -p '%s/devices/sdb/sdb1' && echo 1 > '%s/devices/sdb/sdb1/partition' && echo 1 > '%s/devices/sdb/removable'",
	   root, root, root);
	char later[1200];
	snprintf(later, sizeof later, "%s/not-yet/written.csv", gn_test_tmpdir());
	CHECK(gn_disk_removable(file, root));
	CHECK(gn_disk_removable(later, root));
	tree("pci0/usb2/2-1/host6/sdc");
	sh("mkdir -p '%s/devices/pci0/usb2/2-1/host6/sdc' && echo 0 > '%s/devices/pci0/usb2/2-1/host6/sdc/removable'",
	   root, root);
	CHECK(gn_disk_removable(file, root));
	tree("vda");
	sh("mkdir -p '%s/devices/vda' && echo 0 > '%s/devices/vda/removable'", root, root);
	CHECK(!gn_disk_removable(file, root));
	CHECK(gn_disk_removable("/media/lan/USB/p.csv", root));
	CHECK(!gn_disk_removable("", root));
}

GN_TESTS(T(what_linux_shows), T(a_usb_stick_is_told_apart))
