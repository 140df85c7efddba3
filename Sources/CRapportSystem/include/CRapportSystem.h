#ifndef C_RAPPORT_SYSTEM_H
#define C_RAPPORT_SYSTEM_H

/// syncfs(2) is a GNU extension that Swift's Glibc module does not export; the spool flushes
/// a whole batch of job files with one call instead of one fsync per file.
int rapport_syncfs(int fd);

#endif
