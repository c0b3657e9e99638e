;; Nearest-neighbour scoring kernels (WebAssembly SIMD).
;;
;; All pointers are byte offsets into the imported memory, which the host lays out once per model:
;; unit rows (f32, V×dim), their int8 copy (V×dpad, dpad = dim rounded up to 16, zero padded),
;; one f32 scale per int8 row (NaN for zero rows, so their scores come out NaN), query buffers and
;; score buffers. The host decides what is exact and what is a bound; these functions only multiply.
;;
;; Exact scores: $dot is the only routine that computes an f32 dot product, so a row scored during a
;; full scan and the same row rescored as a candidate get bit-identical results.
;;
;; Approximate scores: int8 row × int16 query, multiplied and pairwise added by i32x4.dot_i16x8_s.
;; Integer sums are exact (the host picks the query's range so no lane can overflow), then scaled
;; once by row scale × query scale. A row is a quarter of the bytes of its f32 form, which is what
;; makes a scan faster than memory bandwidth allows for f32.
(module
  (import "env" "memory" (memory 1 65536))

  ;; Σ a[j]·b[j] for j < n, over f32 at byte offsets $a and $b. Four f32x4 accumulators hide the
  ;; add latency; the order of operations is fixed, so results are reproducible.
  (func $dot (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $stop i32) (local $end i32) (local $s f32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $stop (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done16
      (loop $by16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $stop)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $acc1 (f32x4.add (local.get $acc1)
          (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $acc2 (f32x4.add (local.get $acc2)
          (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $acc3 (f32x4.add (local.get $acc3)
          (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $by16)))
    (local.set $acc0 (f32x4.add
      (f32x4.add (local.get $acc0) (local.get $acc1))
      (f32x4.add (local.get $acc2) (local.get $acc3))))
    ;; up to three more groups of four
    (local.set $stop (i32.sub (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done4
      (loop $by4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $stop)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $by4)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
    ;; the last dim % 4 elements
    (block $done1
      (loop $by1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $by1)))
    (local.get $s))

  ;; out[r - start] = dot(row r of $mat, $q) for r in [start, end).
  (func (export "dot_rows")
    (param $mat i32) (param $dim i32) (param $start i32) (param $end i32) (param $q i32) (param $out i32)
    (local $row i32) (local $stride i32) (local $r i32)
    (local.set $stride (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $row (i32.add (local.get $mat) (i32.mul (local.get $start) (local.get $stride))))
    (local.set $r (local.get $start))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (f32.store (local.get $out) (call $dot (local.get $row) (local.get $q) (local.get $dim)))
        (local.set $row (i32.add (local.get $row) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; out[i] = dot(row idx[i] of $mat, $q) for i < n: exact rescoring of candidate rows.
  (func (export "dot_gather")
    (param $mat i32) (param $dim i32) (param $idx i32) (param $n i32) (param $q i32) (param $out i32)
    (local $stride i32) (local $end i32)
    (local.set $stride (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $end (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $idx) (local.get $end)))
        (f32.store (local.get $out) (call $dot
          (i32.add (local.get $mat) (i32.mul (i32.load (local.get $idx)) (local.get $stride)))
          (local.get $q) (local.get $dim)))
        (local.set $idx (i32.add (local.get $idx) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $rows))))

;; Approximate scores, int8 row × int16 query (see the top of this file). Functions are not inlined
  ;; by the engine, so the multiply-accumulate and the final scaling are written out in place; every
  ;; score is f32(Σ over lanes) · (row scale · query scale), in that order, in both functions below,
  ;; so a query scored alone or in a batch gets the same approximate score.

  ;; out[r − start] = approximate score of row r for r in [start, end); four rows per pass so each
  ;; 16-element block of the query is loaded once for four rows.
  (func (export "approx_rows")
    (param $rows8 i32) (param $dpad i32) (param $scales i32) (param $start i32) (param $end i32)
    (param $q16 i32) (param $qscale f32) (param $out i32)
    (local $r i32) (local $p i32) (local $j i32) (local $xp i32) (local $qp i32) (local $o i32) (local $sp i32)
    (local $x v128) (local $lo v128) (local $hi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $r (local.get $start))
    (local.set $o (local.get $out))
    (block $done4
      (loop $four
        (br_if $done4 (i32.gt_u (i32.add (local.get $r) (i32.const 4)) (local.get $end)))
        (local.set $p (i32.add (local.get $rows8) (i32.mul (local.get $r) (local.get $dpad))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $qp (local.get $q16))
        (block $rowsdone
          (loop $blocks
            (br_if $rowsdone (i32.ge_u (local.get $j) (local.get $dpad)))
            (local.set $lo (v128.load (local.get $qp)))
            (local.set $hi (v128.load offset=16 (local.get $qp)))
            (local.set $xp (i32.add (local.get $p) (local.get $j)))
            (local.set $x (v128.load (local.get $xp)))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $lo))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $hi)))))
            (local.set $xp (i32.add (local.get $xp) (local.get $dpad)))
            (local.set $x (v128.load (local.get $xp)))
            (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $lo))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $hi)))))
            (local.set $xp (i32.add (local.get $xp) (local.get $dpad)))
            (local.set $x (v128.load (local.get $xp)))
            (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $lo))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $hi)))))
            (local.set $xp (i32.add (local.get $xp) (local.get $dpad)))
            (local.set $x (v128.load (local.get $xp)))
            (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $lo))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $hi)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
            (br $blocks)))
        (local.set $sp (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2))))
        (f32.store (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0)))
            (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))
          (f32.mul (f32.load (local.get $sp)) (local.get $qscale))))
        (f32.store offset=4 (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a1)) (i32x4.extract_lane 1 (local.get $a1)))
            (i32.add (i32x4.extract_lane 2 (local.get $a1)) (i32x4.extract_lane 3 (local.get $a1)))))
          (f32.mul (f32.load offset=4 (local.get $sp)) (local.get $qscale))))
        (f32.store offset=8 (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a2)) (i32x4.extract_lane 1 (local.get $a2)))
            (i32.add (i32x4.extract_lane 2 (local.get $a2)) (i32x4.extract_lane 3 (local.get $a2)))))
          (f32.mul (f32.load offset=8 (local.get $sp)) (local.get $qscale))))
        (f32.store offset=12 (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a3)) (i32x4.extract_lane 1 (local.get $a3)))
            (i32.add (i32x4.extract_lane 2 (local.get $a3)) (i32x4.extract_lane 3 (local.get $a3)))))
          (f32.mul (f32.load offset=12 (local.get $sp)) (local.get $qscale))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $four)))
    ;; the last (end − start) mod 4 rows, one at a time
    (block $done1
      (loop $one
        (br_if $done1 (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $p (i32.add (local.get $rows8) (i32.mul (local.get $r) (local.get $dpad))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (local.set $qp (local.get $q16))
        (block $rowdone
          (loop $blocks1
            (br_if $rowdone (i32.ge_u (local.get $j) (local.get $dpad)))
            (local.set $lo (v128.load (local.get $qp)))
            (local.set $hi (v128.load offset=16 (local.get $qp)))
            (local.set $xp (i32.add (local.get $p) (local.get $j)))
            (local.set $x (v128.load (local.get $xp)))
            (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $lo))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $hi)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
            (br $blocks1)))
        (local.set $sp (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2))))
        (f32.store (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0)))
            (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))
          (f32.mul (f32.load (local.get $sp)) (local.get $qscale))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $one))))

  ;; Many queries, one pass over the rows: approximate scores of every row in [start, end) against
  ;; $nq queries ($nq a multiple of 4), stored back to back ($dpad int16 each; scales at $qscales).
  ;; Each 16-byte block of a row is widened once and reused by four queries; the row (a few hundred
  ;; bytes) stays in L1 while the next four queries use it, so the matrix is read from memory once
  ;; per batch. Query i's score of row r goes to out[i·outStride + (r − start)].
  (func (export "approx_rows_batch")
    (param $rows8 i32) (param $dpad i32) (param $scales i32) (param $start i32) (param $end i32)
    (param $q16 i32) (param $nq i32) (param $qscales i32) (param $out i32) (param $outStride i32)
    (local $r i32) (local $p i32) (local $g i32) (local $j i32) (local $qp i32) (local $qstride i32)
    (local $o i32) (local $sp i32) (local $ostep i32) (local $rowScale f32)
    (local $x v128) (local $xl v128) (local $xh v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $qstride (i32.shl (local.get $dpad) (i32.const 1)))
    (local.set $ostep (i32.shl (local.get $outStride) (i32.const 2)))
    (local.set $r (local.get $start))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $end)))
        (local.set $p (i32.add (local.get $rows8) (i32.mul (local.get $r) (local.get $dpad))))
        (local.set $rowScale (f32.load (i32.add (local.get $scales) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $g (i32.const 0))
        (block $groupsdone
          (loop $groups
            (br_if $groupsdone (i32.ge_u (local.get $g) (local.get $nq)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $qp (i32.add (local.get $q16) (i32.mul (local.get $g) (local.get $qstride))))
            (local.set $j (i32.const 0))
            (block $blocksdone
              (loop $blocks
                (br_if $blocksdone (i32.ge_u (local.get $j) (local.get $dpad)))
                (local.set $x (v128.load (i32.add (local.get $p) (local.get $j))))
                (local.set $xl (i16x8.extend_low_i8x16_s (local.get $x)))
                (local.set $xh (i16x8.extend_high_i8x16_s (local.get $x)))
                (local.set $o (local.get $qp))
                (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
                  (i32x4.dot_i16x8_s (local.get $xl) (v128.load (local.get $qp)))
                  (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $qp))))))
                (local.set $o (i32.add (local.get $o) (local.get $qstride)))
                (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
                  (i32x4.dot_i16x8_s (local.get $xl) (v128.load (local.get $o)))
                  (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (local.get $qstride)))
                (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
                  (i32x4.dot_i16x8_s (local.get $xl) (v128.load (local.get $o)))
                  (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $o))))))
                (local.set $o (i32.add (local.get $o) (local.get $qstride)))
                (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
                  (i32x4.dot_i16x8_s (local.get $xl) (v128.load (local.get $o)))
                  (i32x4.dot_i16x8_s (local.get $xh) (v128.load offset=16 (local.get $o))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (local.set $qp (i32.add (local.get $qp) (i32.const 32)))
                (br $blocks)))
            (local.set $sp (i32.add (local.get $qscales) (i32.shl (local.get $g) (i32.const 2))))
            (local.set $o (i32.add (local.get $out) (i32.shl
              (i32.add (i32.mul (local.get $g) (local.get $outStride)) (i32.sub (local.get $r) (local.get $start)))
              (i32.const 2))))
            (f32.store (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a0)) (i32x4.extract_lane 1 (local.get $a0)))
            (i32.add (i32x4.extract_lane 2 (local.get $a0)) (i32x4.extract_lane 3 (local.get $a0)))))
              (f32.mul (local.get $rowScale) (f32.load offset=0 (local.get $sp)))))
            (local.set $o (i32.add (local.get $o) (local.get $ostep)))
            (f32.store (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a1)) (i32x4.extract_lane 1 (local.get $a1)))
            (i32.add (i32x4.extract_lane 2 (local.get $a1)) (i32x4.extract_lane 3 (local.get $a1)))))
              (f32.mul (local.get $rowScale) (f32.load offset=4 (local.get $sp)))))
            (local.set $o (i32.add (local.get $o) (local.get $ostep)))
            (f32.store (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a2)) (i32x4.extract_lane 1 (local.get $a2)))
            (i32.add (i32x4.extract_lane 2 (local.get $a2)) (i32x4.extract_lane 3 (local.get $a2)))))
              (f32.mul (local.get $rowScale) (f32.load offset=8 (local.get $sp)))))
            (local.set $o (i32.add (local.get $o) (local.get $ostep)))
            (f32.store (local.get $o) (f32.mul (f32.convert_i32_s (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $a3)) (i32x4.extract_lane 1 (local.get $a3)))
            (i32.add (i32x4.extract_lane 2 (local.get $a3)) (i32x4.extract_lane 3 (local.get $a3)))))
              (f32.mul (local.get $rowScale) (f32.load offset=12 (local.get $sp)))))
            (local.set $o (i32.add (local.get $o) (local.get $ostep)))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br $groups)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))

  ;; Writes to $idx the positions i < n with scores[i] ≥ threshold (NaN never is) and returns how
  ;; many: candidate rows after an approximate scan. Four scores per compare; most blocks have none.
  (func (export "filter_at_least") (param $scores i32) (param $n i32) (param $threshold f32) (param $idx i32) (result i32)
    (local $i i32) (local $stop i32) (local $count i32) (local $t v128) (local $p i32)
    (local.set $t (f32x4.splat (local.get $threshold)))
    (local.set $stop (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $by4
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $stop)))
        (local.set $p (i32.add (local.get $scores) (i32.shl (local.get $i) (i32.const 2))))
        (if (v128.any_true (f32x4.ge (v128.load (local.get $p)) (local.get $t)))
          (then
            (local.set $stop (i32.add (local.get $i) (i32.const 4)))
            (block $lanesdone
              (loop $lanes
                (br_if $lanesdone (i32.ge_u (local.get $i) (local.get $stop)))
                (if (f32.ge (f32.load (i32.add (local.get $scores) (i32.shl (local.get $i) (i32.const 2)))) (local.get $threshold))
                  (then
                    (i32.store (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                    (local.set $count (i32.add (local.get $count) (i32.const 1)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $lanes)))
            (local.set $stop (i32.and (local.get $n) (i32.const -4))))
          (else (local.set $i (i32.add (local.get $i) (i32.const 4)))))
        (br $by4)))
    (block $done1
      (loop $by1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
        (if (f32.ge (f32.load (i32.add (local.get $scores) (i32.shl (local.get $i) (i32.const 2)))) (local.get $threshold))
          (then
            (i32.store (i32.add (local.get $idx) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $by1)))
    (local.get $count))
)
