/*
 * slow-fsync: an LD_PRELOAD shim for bench/ingest.bench.ts's slow-disk mode. Each fdatasync and fsync
 * of the process (SQLite's own, and the group commit's flush on libuv's thread pool) returns only
 * STANDBY_BENCH_FSYNC_DELAY_US microseconds after the real one, as on an SD card or a busy disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

static useconds_t delay_us(void) {
  const char *d = getenv("STANDBY_BENCH_FSYNC_DELAY_US");
  return d ? (useconds_t)atoi(d) : 0;
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int r = real(fd);
  usleep(delay_us());
  return r;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int r = real(fd);
  usleep(delay_us());
  return r;
}
