# What Python reports for a child that exits, is terminated, or is killed.
# Run: python3 06-multiprocessing/testdata/exitcodes.py
import multiprocessing as mp, os, signal, time

def sleeper():
    time.sleep(60)

def exits(code):
    os._exit(code)

if __name__ == "__main__":
    for what, target, args, sig in [
        ("calls os._exit(3)", exits, (3,), None),
        ("terminate() (SIGTERM)", sleeper, (), "terminate"),
        ("kill() (SIGKILL)", sleeper, (), "kill"),
    ]:
        p = mp.Process(target=target, args=args)
        p.start()
        if sig:
            getattr(p, sig)()
        p.join()
        print(f"{what:24} exitcode {p.exitcode}")
