"""Runs one untrusted Python program for en2py's sandbox (src/eval/sandbox.ts).

Usage: python3 -I -B -S sandbox_runner.py <mode> <workdir> <memoryBytes> <processes> <cpuSeconds> <fileBytes> <openFiles>
  mode: root-ns  (started by root inside `unshare --mount --net --pid --fork`):
                 remount every mount read-only, re-bind <workdir> read-write,
                 make the interpreter reachable for uid 65534, then become
                 uid/gid 65534 (nobody) so RLIMIT_NPROC applies;
        user-ns  (started inside `unshare --user --map-root-user ...`): same
                 mounts, then drop all capabilities;
        plain    no namespaces: rlimits only;
        plain-root  the same started by root: first become uid 65534, because
                 root ignores RLIMIT_NPROC (the interpreter must be reachable
                 by that uid, e.g. /usr/bin/python3, else setup fails).
Then sets rlimits (address space, processes, CPU, file size, open files, no
core), and runs <workdir>/main.py as __main__ with cwd = <workdir>.
Imports are kept few (no json, re or traceback): each costs start-up time on
every candidate. Exit code 125 plus a line "en2py-sandbox-setup: ..." on stderr means the
sandbox itself could not be set up (reported as 'error', not as a failure).
"""
import ctypes
import os
import resource
import runpy  # imported now: after the uid change, module files may be unreadable
import signal
import stat
import sys

SETUP_FAILED = 125
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC = 32, 4096, 16384
MS_NOATIME, MS_NODIRATIME, MS_RELATIME, MS_STRICTATIME = 1024, 2048, 1 << 21, 1 << 24
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 38, 24
NOBODY = 65534

libc = ctypes.CDLL(None, use_errno=True)


def fail(msg):
    sys.stderr.write(f'en2py-sandbox-setup: {msg}\n')
    sys.stderr.flush()
    os._exit(SETUP_FAILED)


def mount(src, target, fstype, flags, data=None):
    enc = lambda s: s.encode() if s is not None else None
    if libc.mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f'mount {src} {target}: {os.strerror(e)}')


def mount_points():
    """(mount point, per-mount flags that must be kept when remounting) from mountinfo."""
    out = []
    with open('/proc/self/mountinfo') as f:
        for line in f:
            fields = line.split()
            point = fields[4].encode().decode('unicode_escape')  # \040 for spaces
            opts = fields[5].split(',')
            keep = 0
            for name, bit in (('nosuid', MS_NOSUID), ('nodev', MS_NODEV), ('noexec', MS_NOEXEC),
                              ('noatime', MS_NOATIME), ('nodiratime', MS_NODIRATIME),
                              ('relatime', MS_RELATIME), ('strictatime', MS_STRICTATIME)):
                if name in opts:
                    keep |= bit
            out.append((point, keep))
    return out


def expose_interpreter(workdir):
    """As root, a pyenv-style interpreter may live under /root (mode 700), which
    uid 65534 cannot search. In this private mount namespace, cover the first
    unsearchable ancestor with a tmpfs (also hiding its other contents) and bind
    the interpreter's prefix back at the same path."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    for n, prefix in enumerate(sorted(prefixes)):
        parts = prefix.split('/')
        blocked = None
        for i in range(2, len(parts) + 1):
            anc = '/'.join(parts[:i]) or '/'
            if not os.stat(anc).st_mode & stat.S_IXOTH:
                blocked = anc
                break
        if blocked is None or blocked == prefix:
            continue
        stash = os.path.join(workdir, f'.prefix{n}')
        os.mkdir(stash)
        mount(prefix, stash, None, MS_BIND | MS_REC)
        mount('tmpfs', blocked, 'tmpfs', MS_NOSUID | MS_NODEV, 'mode=755,size=64k')
        os.makedirs(prefix, mode=0o755)
        mount(stash, prefix, None, MS_BIND | MS_REC)
        libc.umount2(stash.encode(), MNT_DETACH)
        os.rmdir(stash)


def read_only_except(workdir):
    for point, keep in mount_points():
        try:
            mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | keep)
        except OSError as e:
            if point == '/':
                raise
            # a mount we may not touch (e.g. locked in a user namespace); '/' above is what matters
            sys.stderr.write(f'en2py-sandbox-note: {e}\n')
    mount(workdir, workdir, None, MS_BIND)
    mount(None, workdir, None, MS_REMOUNT | MS_BIND)  # read-write again, only here


def check_reachable_by_others():
    for p in {os.path.realpath(x) for x in (sys.prefix, sys.base_prefix, sys.exec_prefix)}:
        parts = p.split('/')
        for i in range(2, len(parts) + 1):
            anc = '/'.join(parts[:i])
            if not os.stat(anc).st_mode & stat.S_IXOTH:
                raise PermissionError(f'{anc} is not searchable by uid {NOBODY}, so {sys.executable} cannot run '
                                      f'its imports as that user; set EN2PY_PYTHON to a system python3')


def become_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def drop_capabilities():
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]

    hdr = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (Data * 2)()
    if libc.capset(ctypes.byref(hdr), data) != 0:
        raise OSError(ctypes.get_errno(), 'capset')


def set_limits(lim):
    def both(which, value):
        resource.setrlimit(which, (value, value))

    memory, processes, cpu, fsize, nofile = lim
    both(resource.RLIMIT_AS, memory)
    both(resource.RLIMIT_NPROC, processes)
    both(resource.RLIMIT_CPU, cpu)
    both(resource.RLIMIT_FSIZE, fsize)
    both(resource.RLIMIT_NOFILE, nofile)
    both(resource.RLIMIT_CORE, 0)


def main():
    mode, workdir, lim = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3:8]]
    try:
        if mode in ('root-ns', 'user-ns'):
            if mode == 'root-ns':
                expose_interpreter(workdir)
            read_only_except(workdir)
            if mode == 'root-ns':
                become_nobody()
            else:
                drop_capabilities()
            # changing credentials cleared the parent-death signal that
            # `unshare --kill-child` set; without it a killed unshare would leave us running
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        elif mode == 'plain-root':
            check_reachable_by_others()
            become_nobody()
        os.chdir(workdir)
        set_limits(lim)
    except Exception as e:  # noqa: BLE001 - any setup problem is the sandbox's fault
        fail(f'{type(e).__name__}: {e}')
    sys.argv = ['main.py']
    sys.path[0] = workdir
    # an uncaught exception prints its traceback and exits 1: a normal failure
    runpy.run_path(os.path.join(workdir, 'main.py'), run_name='__main__')


main()
