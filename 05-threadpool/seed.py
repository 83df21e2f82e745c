# The tutorial's example in CPython, timed the way seed.go times the Go
# version: the median of 200 runs of the whole pool round trip, and of the
# four functions called directly. `go run ./05-threadpool -only 1 -python`
# runs it and prints both side by side; `python3 05-threadpool/seed.py` runs
# it alone.
import concurrent.futures
import statistics
import sys
import time

sentence = sys.argv[1] if len(sys.argv) > 1 else (
    "A thread pool keeps a few workers ready and hands each one the next task waiting in its queue")


def number_of_words(s): return len(s.split())
def number_of_characters(s): return len(s)
def number_of_vowels(s): return sum(1 for c in s.lower() if c in "aeiou")
def number_of_odd_words(s): return sum(1 for w in s.split() if len(w) % 2 == 1)


fns = [number_of_words, number_of_characters, number_of_vowels, number_of_odd_words]
pool, direct = [], []
for _ in range(200):
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(4) as executor:
        futures = [executor.submit(f, sentence) for f in fns]
    pool.append(time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(100):
        [f(sentence) for f in fns]
    direct.append((time.perf_counter() - start) / 100)
counts = ",".join(str(f.result()) for f in futures)
print(f"counts={counts} pool_ns={statistics.median(pool)*1e9:.0f} direct_ns={statistics.median(direct)*1e9:.0f}"
      f" python={sys.version.split()[0]}")
