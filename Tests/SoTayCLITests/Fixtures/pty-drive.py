#!/usr/bin/env python3
"""Drives a program in a pseudo-terminal, as a person at a keyboard does.

Usage: pty-drive.py TIMEOUT PROGRAM [ARGS...] < script.json

The script is a JSON list of steps {"expect": TEXT, "send": TEXT}: wait until TEXT has appeared
in the output since the previous match, then type SEND (which may hold control characters:
"\u0004" is Ctrl-D, "\u0003" Ctrl-C). After the last step the output is read until the program
exits. Prints one JSON object: {"output", "status" (exit code, or -signal), "timedOut" (the TEXT
that never came, or null)}. The child is a session leader with the pty as its controlling
terminal, so Ctrl-C reaches it as SIGINT, exactly as in a terminal window.
"""
import json
import os
import pty
import select
import signal
import sys
import time


def main():
    timeout = float(sys.argv[1])
    argv = sys.argv[2:]
    steps = json.load(sys.stdin)
    pid, fd = pty.fork()
    if pid == 0:
        # As a shell starts a program: no signal blocked or ignored (a test runner may block
        # SIGINT, and the mask survives exec).
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execv(argv[0], argv)
    output = b""
    seen = 0
    timed_out = None

    def read_some(deadline):
        nonlocal output
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.2))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return None
            if not chunk:
                return None
            output += chunk
        return True

    for step in steps:
        expect = step["expect"].encode()
        deadline = time.monotonic() + timeout
        while True:
            index = output.find(expect, seen)
            if index >= 0:
                seen = index + len(expect)
                break
            if not read_some(deadline):
                timed_out = step["expect"]
                break
        if timed_out is not None:
            break
        os.write(fd, step["send"].encode())

    status = None
    if timed_out is None:
        deadline = time.monotonic() + timeout
        while read_some(deadline):
            pass
    # Reap the child; kill it if it is still running.
    for _ in range(50):
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        done, raw = os.waitpid(pid, 0)
        if timed_out is None:
            timed_out = "(the program did not exit)"
    if os.WIFEXITED(raw):
        status = os.WEXITSTATUS(raw)
    elif os.WIFSIGNALED(raw):
        status = -os.WTERMSIG(raw)
    json.dump({"output": output.decode("utf-8", "replace"), "status": status, "timedOut": timed_out}, sys.stdout)


main()
