"""Row-weighting local search for unicost covering (Gao et al., 2015), the primal side.

A plan of ``s`` columns is made one column smaller and then repaired by swaps: drop
the chosen column whose rows lose least weight, add the best column of a random
uncovered row, raise the weight of every row left uncovered. Whenever every row is
covered the plan is kept and shrunk again. It only ever returns covers (checked),
so it can only lower the incumbent; the proofs never rely on it.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["rwls"]


class _Search:
    """The search state: chosen columns, views per row, row weights, column scores.

    A chosen column's score is minus the weight of the rows it alone covers (what
    dropping it loses); an unchosen one's is the weight of the uncovered rows it
    covers (what adding it gains).
    """

    def __init__(self, A: sp.csr_matrix, x0: NDArray[np.bool_]) -> None:
        Ar, Ac = A.tocsr(), A.tocsc()
        m, n = A.shape
        self.col_rows = [Ac.indices[Ac.indptr[j] : Ac.indptr[j + 1]].tolist() for j in range(n)]
        self.row_cols = [Ar.indices[Ar.indptr[i] : Ar.indptr[i + 1]].tolist() for i in range(m)]
        self.x = [bool(v) for v in x0]
        self.cnt: list[int] = np.asarray(Ac @ np.asarray(x0, np.int64)).ravel().tolist()
        self.w = [1] * m
        self.score = [0] * n
        for j in range(n):
            rows = self.col_rows[j]
            if self.x[j]:
                self.score[j] = -sum(self.w[i] for i in rows if self.cnt[i] == 1)
            else:
                self.score[j] = sum(self.w[i] for i in rows if self.cnt[i] == 0)
        self.stamp = [0] * n
        self.uncovered = {i for i in range(m) if self.cnt[i] == 0}
        self.chosen = {j for j in range(n) if self.x[j]}

    def add(self, j: int) -> None:
        """Choose column ``j``."""
        x, cnt, w, score = self.x, self.cnt, self.w, self.score
        x[j] = True
        self.chosen.add(j)
        score[j] = -score[j]
        for i in self.col_rows[j]:
            cnt[i] += 1
            if cnt[i] == 1:
                self.uncovered.discard(i)
                for jj in self.row_cols[i]:
                    if jj != j:
                        score[jj] -= w[i]
            elif cnt[i] == 2:
                for jj in self.row_cols[i]:
                    if jj != j and x[jj]:
                        score[jj] += w[i]
                        break

    def remove(self, j: int) -> None:
        """Drop column ``j``."""
        x, cnt, w, score = self.x, self.cnt, self.w, self.score
        x[j] = False
        self.chosen.discard(j)
        score[j] = -score[j]
        for i in self.col_rows[j]:
            cnt[i] -= 1
            if cnt[i] == 0:
                self.uncovered.add(i)
                for jj in self.row_cols[i]:
                    if jj != j:
                        score[jj] += w[i]
            elif cnt[i] == 1:
                for jj in self.row_cols[i]:
                    if x[jj]:
                        score[jj] -= w[i]
                        break

    def best_of(self, cols: object, avoid: int = -1) -> int:
        """The column of ``cols`` (not ``avoid``) of highest score, oldest first; -1 if none."""
        score, stamp = self.score, self.stamp
        return max(
            (c for c in cols if c != avoid),  # type: ignore[attr-defined]
            key=lambda c: (score[c], -stamp[c]),
            default=-1,
        )

    def weigh(self) -> None:
        """Raise the weight of every uncovered row by one (and its columns' scores)."""
        for i in self.uncovered:
            self.w[i] += 1
            for jj in self.row_cols[i]:
                self.score[jj] += 1


def rwls(
    A: sp.csr_matrix,
    x0: NDArray[np.bool_],
    deadline: float,
    *,
    target: int = 0,
    stall_s: float = float("inf"),
    seed: int = 0,
    max_moves: int = 10**9,
) -> NDArray[np.bool_]:
    """Improve the unicost cover ``x0`` (``A x0 ≥ 1``) until ``deadline`` or ``target`` columns.

    Parameters
    ----------
    A
        Rows × columns, 0/1 (every row demands one view).
    x0
        A cover to start from.
    deadline
        ``time.perf_counter()`` value to stop at.
    target
        Stop as soon as a cover of this many columns is found (a proven lower bound).
    stall_s
        Stop after this many seconds without a smaller cover.
    seed
        Random seed (the uncovered row repaired next).
    max_moves
        At most this many swaps.

    Returns
    -------
    numpy.ndarray
        The smallest cover found (boolean over columns).
    """
    n = A.shape[1]
    rng = np.random.default_rng(seed)
    s = _Search(A, x0)
    best = list(s.x)
    best_size = len(s.chosen) if not s.uncovered else n + 1
    tabu, step, last = -1, 0, time.perf_counter()
    while step < max_moves:
        if not s.uncovered:
            if len(s.chosen) < best_size:
                best, best_size, last = list(s.x), len(s.chosen), time.perf_counter()
                if best_size <= target:
                    break
            j = s.best_of(s.chosen)
            s.remove(j)
            s.stamp[j] = step
            continue
        if step % 64 == 0:
            now = time.perf_counter()
            if now > deadline or now - last > stall_s:
                break
        step += 1
        j = s.best_of(s.chosen, tabu)
        if j >= 0:
            s.remove(j)
            s.stamp[j] = step
        unc = list(s.uncovered)
        r = unc[int(rng.integers(len(unc)))]
        a = s.best_of(s.row_cols[r], j)
        a = a if a >= 0 else s.row_cols[r][0]
        s.add(a)
        s.stamp[a] = step
        tabu = a
        s.weigh()
    out = np.array(best, bool)
    ok = best_size <= n and bool(np.all(np.asarray(A @ out.astype(np.int64)).ravel() >= 1))
    return out if ok else np.asarray(x0, bool).copy()
