# bpo-22393: a Pool worker that dies mid-task makes Pool.map hang forever.
# Run: timeout 5 python3 06-multiprocessing/testdata/poolhang.py; echo "exit $?"
import multiprocessing as mp, os, sys

def fragile(x):
    if x == 13:
        os._exit(3)  # the worker dies in the middle of a task
    return x * x

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print("Pool.map(fragile, [11, 12, 13, 14]) ...", flush=True)
        print(pool.map(fragile, [11, 12, 13, 14]))  # bpo-22393: never returns
