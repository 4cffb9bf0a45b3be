"""Numba kernels for sequential pattern mining (internal; `discover.mining` wraps them).

Every function here is ``@njit(cache=True)``, takes and returns numpy arrays and
scalars only (tokens ``int32``; offsets, positions and counts ``int64``), reads no
globals and never recurses: depth-first search keeps an explicit stack, so a token
repeated 100k times cannot overflow the interpreter stack as prefixspan does.

A database is ``values`` int32[n_events] with ``offsets`` int64[n_sequences + 1];
sequence ``s`` is ``values[offsets[s]:offsets[s + 1]]``. Mining kernels receive
dense item codes ``0..n_items-1`` with ``-1`` for items that can never be frequent
(kept in place so that gaps still count them).
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def count_contiguous(values, offsets, pattern):
    """Leftmost non-overlapping matches of `pattern` per sequence, int64[n_seq]."""
    counts = np.zeros(offsets.shape[0] - 1, dtype=np.int64)
    m = pattern.shape[0]
    for s in range(counts.shape[0]):
        i, last = offsets[s], offsets[s + 1] - m
        while i <= last:
            j = 0
            while j < m and values[i + j] == pattern[j]:
                j += 1
            if j == m:
                counts[s] += 1
                i += m  # non-overlapping: resume after the match
            else:
                i += 1
    return counts


@njit(cache=True)
def _grow_int64(array, needed):
    """Return `array` or a copy at least twice as long when `needed` exceeds it."""
    if needed <= array.shape[0]:
        return array
    size = max(needed, 2 * array.shape[0] + 16)
    bigger = np.empty(size, dtype=np.int64)
    bigger[: array.shape[0]] = array
    return bigger


@njit(cache=True)
def _grow_int32(array, needed):
    """Return `array` or a copy at least twice as long when `needed` exceeds it."""
    if needed <= array.shape[0]:
        return array
    size = max(needed, 2 * array.shape[0] + 16)
    bigger = np.empty(size, dtype=np.int32)
    bigger[: array.shape[0]] = array
    return bigger


@njit(cache=True)
def _grow_float64(array, needed):
    """Return `array` or a copy at least twice as long when `needed` exceeds it."""
    if needed <= array.shape[0]:
        return array
    size = max(needed, 2 * array.shape[0] + 16)
    bigger = np.empty(size, dtype=np.float64)
    bigger[: array.shape[0]] = array
    return bigger


@njit(cache=True)
def _heap_offer(heap, size, k, score):
    """Keep the `k` largest scores in min-heap `heap[:size]`; return the new size."""
    if size < k:
        i = size
        heap[i] = score
        size += 1
        while i > 0:  # sift up
            parent = (i - 1) // 2
            if heap[parent] <= heap[i]:
                break
            heap[parent], heap[i] = heap[i], heap[parent]
            i = parent
        return size
    if score <= heap[0]:
        return size
    heap[0] = score
    i = 0
    while True:  # sift down
        left = 2 * i + 1
        smallest = i
        if left < size and heap[left] < heap[smallest]:
            smallest = left
        if left + 1 < size and heap[left + 1] < heap[smallest]:
            smallest = left + 1
        if smallest == i:
            break
        heap[smallest], heap[i] = heap[i], heap[smallest]
        i = smallest
    return size


@njit(cache=True)
def mine_patterns(
    values,
    offsets,
    n_items,
    min_support,
    max_gap,
    min_length,
    max_length,
    top_k,
    score_table,
):
    """PrefixSpan with pseudo-projection and an explicit stack.

    `values` hold dense codes (-1 = never frequent). `max_gap` < 0 means unbounded:
    a projection keeps one (sequence, end) entry per sequence, the leftmost
    embedding's end. With `max_gap` >= 0 it keeps every distinct end position of
    every embedding, sorted, because a later end may extend where an earlier cannot.
    `top_k` > 0 switches to top-k mode: `score_table[support, length]` must be
    non-decreasing in both; patterns scoring below the running k-th best score are
    not emitted and branches whose bound falls below it are not expanded. Returns
    (pattern_values int32, pattern_offsets int64, supports int64).
    """
    n_seq = offsets.shape[0] - 1
    unbounded = max_gap < 0

    # Projection pool, used as a stack of child blocks.
    pool_seq = np.empty(max(16, 2 * n_seq), dtype=np.int64)
    pool_pos = np.empty(max(16, 2 * n_seq), dtype=np.int64)
    top = 0
    longest = 0
    for s in range(n_seq):
        length = offsets[s + 1] - offsets[s]
        longest = max(longest, length)
        if length > 0:
            pool_seq[top] = s
            pool_pos[top] = offsets[s] - 1
            top += 1
    depth_cap = min(max_length, longest)

    # Count of never-frequent-free positions before i, for top-k length bounds.
    useful_before = np.zeros(values.shape[0] + 1, dtype=np.int64)
    for i in range(values.shape[0]):
        useful_before[i + 1] = useful_before[i] + (1 if values[i] >= 0 else 0)
    remaining_histogram = np.zeros(longest + 2, dtype=np.int64)

    # Node stack: item, depth, projection [start, end), pool top to restore.
    node_item = np.empty(64, dtype=np.int64)
    node_depth = np.empty(64, dtype=np.int64)
    node_start = np.empty(64, dtype=np.int64)
    node_end = np.empty(64, dtype=np.int64)
    node_top = np.empty(64, dtype=np.int64)
    n_nodes = 1
    node_item[0] = -1
    node_depth[0] = 0
    node_start[0] = 0
    node_end[0] = top
    node_top[0] = top

    # Per-item scratch, reset through `touched` after each node.
    stamp = np.full(n_items, -1, dtype=np.int64)
    stamp_fill = np.full(n_items, -1, dtype=np.int64)
    support = np.zeros(n_items, dtype=np.int64)
    n_entries = np.zeros(n_items, dtype=np.int64)
    fill = np.zeros(n_items, dtype=np.int64)
    touched = np.empty(n_items, dtype=np.int64)
    frequent_children = np.empty(n_items, dtype=np.int64)

    current = np.empty(depth_cap + 1, dtype=np.int32)

    out_values = np.empty(1024, dtype=np.int32)
    out_offsets = np.zeros(1024, dtype=np.int64)
    out_supports = np.empty(1024, dtype=np.int64)
    n_out = 0

    heap = np.empty(max(top_k, 1), dtype=np.float64)
    heap_size = 0

    while n_nodes > 0:
        n_nodes -= 1
        item = node_item[n_nodes]
        depth = node_depth[n_nodes]
        start = node_start[n_nodes]
        end = node_end[n_nodes]
        top = node_top[n_nodes]
        if depth > 0:
            current[depth - 1] = item
        # The support of a node is its number of distinct sequences.
        node_support = 0
        previous = -1
        for e in range(start, end):
            if pool_seq[e] != previous:
                node_support += 1
                previous = pool_seq[e]

        threshold = -np.inf
        if top_k > 0 and heap_size == top_k:
            threshold = heap[0]
        if depth >= min_length and depth > 0:
            emit = True
            if top_k > 0:
                score = score_table[node_support, depth]
                emit = score >= threshold
                if emit:
                    heap_size = _heap_offer(heap, heap_size, top_k, score)
            if emit:
                out_offsets = _grow_int64(out_offsets, n_out + 2)
                out_supports = _grow_int64(out_supports, n_out + 1)
                base = out_offsets[n_out]
                out_values = _grow_int32(out_values, base + depth)
                for j in range(depth):
                    out_values[base + j] = current[j]
                out_offsets[n_out + 1] = base + depth
                out_supports[n_out] = node_support
                n_out += 1
        if depth >= depth_cap:
            continue
        if top_k > 0 and heap_size == top_k:
            # Bound: a descendant of length depth + r lives in at most
            # count(remaining >= r) sequences and in at most node_support.
            threshold = heap[0]
            max_remaining = 0
            previous = -1
            for e in range(start, end):
                s = pool_seq[e]
                if s == previous:
                    continue  # entries are sorted: the first has the most room
                previous = s
                remaining = (
                    useful_before[offsets[s + 1]] - useful_before[pool_pos[e] + 1]
                )
                remaining = min(remaining, depth_cap - depth)
                remaining_histogram[remaining] += 1
                max_remaining = max(max_remaining, remaining)
            bound = -np.inf
            at_least = 0
            for r in range(max_remaining, 0, -1):
                at_least += remaining_histogram[r]
                if at_least >= min_support:
                    candidate = score_table[min(at_least, node_support), depth + r]
                    bound = max(bound, candidate)
            for r in range(max_remaining + 1):
                remaining_histogram[r] = 0
            if bound < threshold:
                continue

        # Counting pass: support (distinct sequences) and entries per item.
        n_touched = 0
        previous = -1
        scanned = -1
        for e in range(start, end):
            s = pool_seq[e]
            if s != previous:
                previous = s
                scanned = pool_pos[e]
            stop = offsets[s + 1]
            if not unbounded and depth > 0:  # a first item may sit anywhere
                stop = min(stop, pool_pos[e] + max_gap + 2)
            p = max(pool_pos[e] + 1, scanned + 1)
            while p < stop:
                code = values[p]
                if code >= 0:
                    if stamp[code] != s:
                        stamp[code] = s
                        if support[code] == 0:
                            touched[n_touched] = code
                            n_touched += 1
                        support[code] += 1
                        n_entries[code] += 1
                    elif not unbounded:
                        n_entries[code] += 1
                p += 1
            scanned = max(scanned, stop - 1)

        # Allocate child blocks on top of the pool.
        n_children = 0
        needed = top
        for t in range(n_touched):
            code = touched[t]
            if support[code] >= min_support:
                frequent_children[n_children] = code
                n_children += 1
                fill[code] = needed
                needed += n_entries[code]
        if n_children > 0:
            pool_seq = _grow_int64(pool_seq, needed)
            pool_pos = _grow_int64(pool_pos, needed)
            # Fill pass: same scan, writing (sequence, position) into blocks.
            previous = -1
            scanned = -1
            for e in range(start, end):
                s = pool_seq[e]
                if s != previous:
                    previous = s
                    scanned = pool_pos[e]
                stop = offsets[s + 1]
                if not unbounded and depth > 0:
                    stop = min(stop, pool_pos[e] + max_gap + 2)
                p = max(pool_pos[e] + 1, scanned + 1)
                while p < stop:
                    code = values[p]
                    if code >= 0 and support[code] >= min_support:
                        if not unbounded or stamp_fill[code] != s:
                            stamp_fill[code] = s
                            pool_seq[fill[code]] = s
                            pool_pos[fill[code]] = p
                            fill[code] += 1
                    p += 1
                scanned = max(scanned, stop - 1)

            # Push children so that the smallest code is popped first (output in
            # lexicographic pre-order); in top-k mode the highest support instead.
            children = frequent_children[:n_children]
            if top_k > 0:
                order = np.argsort(support[children], kind="mergesort")
                children = children[order]
            else:
                children = np.sort(children)[::-1]
            needed_nodes = n_nodes + n_children
            if needed_nodes > node_item.shape[0]:
                node_item = _grow_int64(node_item, needed_nodes)
                node_depth = _grow_int64(node_depth, needed_nodes)
                node_start = _grow_int64(node_start, needed_nodes)
                node_end = _grow_int64(node_end, needed_nodes)
                node_top = _grow_int64(node_top, needed_nodes)
            for c in range(n_children):
                code = children[c]
                node_item[n_nodes] = code
                node_depth[n_nodes] = depth + 1
                node_start[n_nodes] = fill[code] - n_entries[code]
                node_end[n_nodes] = fill[code]
                node_top[n_nodes] = needed
                n_nodes += 1

        for t in range(n_touched):
            code = touched[t]
            stamp[code] = -1
            stamp_fill[code] = -1
            support[code] = 0
            n_entries[code] = 0
    return (
        out_values[: out_offsets[n_out]],
        out_offsets[: n_out + 1],
        out_supports[:n_out],
    )


@njit(cache=True)
def _compare_patterns(values, offsets, a, b):
    """-1, 0 or 1 as pattern `a` sorts before, equal to or after pattern `b`."""
    i, end_a = offsets[a], offsets[a + 1]
    j, end_b = offsets[b], offsets[b + 1]
    while i < end_a and j < end_b:
        if values[i] != values[j]:
            return -1 if values[i] < values[j] else 1
        i += 1
        j += 1
    if i == end_a and j == end_b:
        return 0
    return -1 if i == end_a else 1


@njit(cache=True)
def lexicographic_order(values, offsets):
    """Stable permutation sorting CSR patterns lexicographically (prefix first)."""
    n = offsets.shape[0] - 1
    order = np.arange(n).astype(np.int64)
    buffer = np.empty(n, dtype=np.int64)
    width = 1
    while width < n:  # bottom-up merge sort: no recursion
        for low in range(0, n, 2 * width):
            middle = min(low + width, n)
            high = min(low + 2 * width, n)
            i, j, k = low, middle, low
            while i < middle and j < high:
                if _compare_patterns(values, offsets, order[j], order[i]) < 0:
                    buffer[k] = order[j]
                    j += 1
                else:
                    buffer[k] = order[i]
                    i += 1
                k += 1
            while i < middle:
                buffer[k] = order[i]
                i += 1
                k += 1
            while j < high:
                buffer[k] = order[j]
                j += 1
                k += 1
        order, buffer = buffer, order
        width *= 2
    return order


@njit(cache=True)
def mark_undominated_by_insertion(values, offsets, supports, equal_support):
    """Patterns no one-item insertion of which is in the set (with equal support).

    Exact for closed/maximal when support is anti-monotone under subsequences
    (unbounded gap): any dominating super-sequence implies one that is a single
    insertion longer. Deletions of each pattern are looked up in an open-address
    table of polynomial hashes and confirmed item by item, so collisions are harmless.
    """
    # Polynomial hashes modulo a Mersenne prime: products stay below 2**62, so
    # nothing overflows, with or without NUMBA_DISABLE_JIT.
    base_multiplier = 1_000_003
    modulus = 2_147_483_647
    n = supports.shape[0]
    hashes = np.empty(n, dtype=np.int64)
    longest = 0
    for i in range(n):
        h = np.int64(0)
        for p in range(offsets[i], offsets[i + 1]):
            h = (h * base_multiplier + (np.int64(values[p]) + 1) % modulus) % modulus
        hashes[i] = h
        longest = max(longest, offsets[i + 1] - offsets[i])
    size = 16
    while size < 2 * n:
        size *= 2
    mask = size - 1
    table = np.full(size, -1, dtype=np.int64)
    for i in range(n):
        slot = hashes[i] & mask
        while table[slot] != -1:
            slot = (slot + 1) & mask
        table[slot] = i

    powers = np.empty(longest + 1, dtype=np.int64)
    powers[0] = 1
    for j in range(1, longest + 1):
        powers[j] = powers[j - 1] * base_multiplier % modulus
    prefix = np.empty(longest + 1, dtype=np.int64)
    suffix = np.empty(longest + 1, dtype=np.int64)
    keep = np.ones(n, dtype=np.bool_)
    for q in range(n):
        base = offsets[q]
        length = offsets[q + 1] - base
        if length < 2:
            continue
        prefix[0] = 0
        for j in range(length):
            item = (np.int64(values[base + j]) + 1) % modulus
            prefix[j + 1] = (prefix[j] * base_multiplier + item) % modulus
        suffix[length - 1] = 0  # hash of the items after position j
        for j in range(length - 2, -1, -1):
            weight = powers[length - 2 - j]
            item = (np.int64(values[base + j + 1]) + 1) % modulus
            suffix[j] = (suffix[j + 1] + item * weight) % modulus
        for j in range(length):
            if j > 0 and values[base + j] == values[base + j - 1]:
                continue  # deleting either of two equal neighbours gives one pattern
            target = (prefix[j] * powers[length - 1 - j] + suffix[j]) % modulus
            slot = target & mask
            while table[slot] != -1:
                p = table[slot]
                slot = (slot + 1) & mask
                if hashes[p] != target or offsets[p + 1] - offsets[p] != length - 1:
                    continue
                if equal_support and supports[p] != supports[q]:
                    continue
                same = True
                for t in range(length - 1):
                    source = base + t if t < j else base + t + 1
                    if values[offsets[p] + t] != values[source]:
                        same = False
                        break
                if same:
                    keep[p] = False
    return keep


@njit(cache=True)
def _is_subsequence(values, offsets, p, q):
    """Whether pattern `p` is a (not necessarily contiguous) subsequence of `q`."""
    i, end_p = offsets[p], offsets[p + 1]
    j, end_q = offsets[q], offsets[q + 1]
    while i < end_p and j < end_q:
        if values[i] == values[j]:
            i += 1
        j += 1
    return i == end_p


@njit(cache=True)
def mark_undominated_by_containment(values, offsets, supports, equal_support):
    """Patterns with no longer pattern in the set containing them (equal support).

    The general definition, for gap-constrained supports, which are not
    anti-monotone under middle insertions. Quadratic within a support level;
    a 64-bit item mask skips most pairs.
    """
    n = supports.shape[0]
    masks = np.zeros(n, dtype=np.int64)
    lengths = np.empty(n, dtype=np.int64)
    for i in range(n):
        lengths[i] = offsets[i + 1] - offsets[i]
        for p in range(offsets[i], offsets[i + 1]):
            masks[i] |= np.int64(1) << np.int64(values[p] & 63)
    # Sort by (support, length) so candidates for p form a contiguous run.
    if equal_support:
        order = np.argsort(supports * (lengths.max() + 1 if n else 1) + lengths)
    else:
        order = np.argsort(lengths)
    keep = np.ones(n, dtype=np.bool_)
    for a in range(n):
        p = order[a]
        b = a + 1
        while b < n:
            q = order[b]
            if equal_support and supports[q] != supports[p]:
                break
            if (
                lengths[q] > lengths[p]
                and (masks[p] & ~masks[q]) == 0
                and _is_subsequence(values, offsets, p, q)
            ):
                keep[p] = False
                break
            b += 1
    return keep


@njit(cache=True)
def pattern_occurrences(values, offsets, pattern, max_gap):
    """Earliest-ending, leftmost, non-overlapping occurrences of `pattern`.

    In each sequence, from position i, take the embedding with the smallest end
    position (ties: lexicographically smallest positions), then resume at end + 1.
    `max_gap` < 0 is unbounded. Returns (seq_index int64[k], positions int64[k*m]).
    """
    m = pattern.shape[0]
    n_seq = offsets.shape[0] - 1
    seq_index = np.empty(16, dtype=np.int64)
    positions = np.empty(16 * m, dtype=np.int64)
    k = 0
    found = np.empty(m, dtype=np.int64)
    last = np.empty(m, dtype=np.int64)
    longest = 0
    for s in range(n_seq):
        longest = max(longest, offsets[s + 1] - offsets[s])
    span = 0  # the unbounded walk needs no feasibility table
    if max_gap >= 0:
        span = min(longest, (m - 1) * (max_gap + 1) + 1)
    feasible = np.zeros((m, span + 1), dtype=np.bool_)
    never = -(2**62)
    for s in range(n_seq):
        i = offsets[s]
        end = offsets[s + 1]
        while i < end:
            if max_gap < 0:
                p = i
                j = 0
                while p < end and j < m:
                    if values[p] == pattern[j]:
                        found[j] = p
                        j += 1
                    p += 1
                if j < m:
                    break
            else:
                # Forward: last[j] = latest end of pattern[:j + 1] seen so far.
                for j in range(m):
                    last[j] = never
                finish = -1
                for p in range(i, end):
                    for j in range(m - 1, 0, -1):
                        if values[p] == pattern[j] and p - last[j - 1] - 1 <= max_gap:
                            last[j] = p
                    if values[p] == pattern[0]:
                        last[0] = p
                    if last[m - 1] == p:
                        finish = p
                        break
                if finish < 0:
                    break
                # Backward: which positions can still reach `finish`.
                low = max(i, finish - span + 1)
                width = finish - low + 1
                for j in range(m):
                    for t in range(width):
                        feasible[j, t] = False
                feasible[m - 1, width - 1] = True
                for j in range(m - 2, -1, -1):
                    nearest = -1
                    for t in range(width - 1, -1, -1):
                        feasible[j, t] = (
                            values[low + t] == pattern[j]
                            and nearest >= 0
                            and nearest - t - 1 <= max_gap
                        )
                        if feasible[j + 1, t]:
                            nearest = t
                # Forward pick of the smallest feasible position at each level.
                t = 0
                for j in range(m):
                    while not feasible[j, t]:
                        t += 1
                    found[j] = low + t
                    t += 1
            seq_index = _grow_int64(seq_index, k + 1)
            positions = _grow_int64(positions, (k + 1) * m)
            seq_index[k] = s
            for j in range(m):
                positions[k * m + j] = found[j]
            k += 1
            i = found[m - 1] + 1
    return seq_index[:k], positions[: k * m]


@njit(cache=True)
def count_ngram_groups(group_starts, positions, sequence_of_position, length):
    """Distinct sequences and leftmost non-overlapping occurrences per n-gram group.

    `positions` are global event indices sorted ascending within each group
    ``[group_starts[g], group_starts[g + 1])``; every n-gram has `length` items.
    """
    n_groups = group_starts.shape[0] - 1
    n_sequences = np.zeros(n_groups, dtype=np.int64)
    counts = np.zeros(n_groups, dtype=np.int64)
    for g in range(n_groups):
        previous_seq = -1
        next_free = -1
        for e in range(group_starts[g], group_starts[g + 1]):
            p = positions[e]
            s = sequence_of_position[p]
            if s != previous_seq:
                n_sequences[g] += 1
                previous_seq = s
                next_free = p
            if p >= next_free:
                counts[g] += 1
                next_free = p + length
    return n_sequences, counts
