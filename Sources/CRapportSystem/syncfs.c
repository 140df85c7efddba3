#define _GNU_SOURCE
#include <unistd.h>
#include "CRapportSystem.h"

int rapport_syncfs(int fd) {
    return syncfs(fd);
}
