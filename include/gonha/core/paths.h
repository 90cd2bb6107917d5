/* Files that ship with gonha, found beside the running binary: in the
 * source tree (./gonha, build/x/gonha) and once installed (bin/ next to
 * share/). The catalogs and the forms use it. */
#ifndef GONHA_PATHS_H
#define GONHA_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* The first of the folders candidates (relative to the folder of the
 * running binary, e.g. "/../share/gonha/forms") that holds the file probe
 * (relative to that folder); out gets its real path. false when none does. */
bool gn_beside_binary(const char *const *candidates, size_t n, const char *probe, char *out, size_t size);

/* The folder of the file at path ("." for a bare name, "/" for one in the
 * root) into dir; the file's own name (within path) returned. */
const char *gn_path_dir(const char *path, char *dir, size_t size);

#endif
