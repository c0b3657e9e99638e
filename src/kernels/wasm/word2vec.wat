;; Word2Vec training kernel: skip-gram / CBOW, negative sampling and hierarchical softmax, f32x4 SIMD.
;;
;; One call trains a whole chunk of sentences (word ids already in the slot's `ids` area), so JavaScript is
;; entered once per few thousand words. The update rule, including the order of every random draw, is the
;; one written out in ../word2vec-reference.ts; tests hold this kernel to it.
;;
;; Every array lives in the imported shared memory; their addresses come from the slot's configuration block
;; (layout in ../word2vec-layout.ts, CTX). Globals are per instance, i.e. per worker thread.

(module
  (import "env" "memory" (memory 1 65536 shared))

  (global $rowBytes (mut i32) (i32.const 0))
  (global $negative (mut i32) (i32.const 0))
  (global $hs (mut i32) (i32.const 0))
  (global $cbow (mut i32) (i32.const 0))
  (global $cbowMean (mut i32) (i32.const 0))
  (global $window (mut i32) (i32.const 0))
  (global $syn0 (mut i32) (i32.const 0))
  (global $syn1neg (mut i32) (i32.const 0))
  (global $syn1 (mut i32) (i32.const 0))
  (global $expTable (mut i32) (i32.const 0))
  (global $logTable (mut i32) (i32.const 0))
  (global $vocabSize (mut i32) (i32.const 0))
  (global $aliasProbability (mut i32) (i32.const 0))
  (global $aliasIndex (mut i32) (i32.const 0))
  (global $keep (mut i32) (i32.const 0))
  (global $codes (mut i32) (i32.const 0))
  (global $points (mut i32) (i32.const 0))
  (global $lengths (mut i32) (i32.const 0))
  (global $offsets (mut i32) (i32.const 0))
  (global $ids (mut i32) (i32.const 0))
  (global $ends (mut i32) (i32.const 0))
  (global $work (mut i32) (i32.const 0))
  (global $neu1 (mut i32) (i32.const 0))
  (global $neu1e (mut i32) (i32.const 0))
  (global $negs (mut i32) (i32.const 0))
  ;; bytes of one block of negatives in negs: a count, then `negative` row addresses (negBlockInts)
  (global $negBlockBytes (mut i32) (i32.const 0))
  ;; KERNEL_VARIANT bits: 1 shares skip-gram's negatives across the window, 2 skips saturated NS predictions
  (global $sharedNegatives (mut i32) (i32.const 0))
  (global $nsSkip (mut i32) (i32.const 0))
  ;; bit 4: the hot hierarchical-softmax rows are merged into the shared rows once per call, not after every sentence
  (global $hotEveryChunk (mut i32) (i32.const 0))
  ;; per-slot scratch for one Huffman path: 256 row addresses, then 256 dot products / gradients
  (global $pathRows (mut i32) (i32.const 0))
  (global $pathG (mut i32) (i32.const 0))
  ;; Hierarchical-softmax nodes >= $hotStart (the most visited, nearest the root) are trained in this thread's
  ;; private copy at $hot, and their change is added to the shared rows after every sentence (see $hotPush).
  (global $hotStart (mut i32) (i32.const 0))
  (global $hotCount (mut i32) (i32.const 0))
  (global $hot (mut i32) (i32.const 0))
  ;; Input-row address of each word of the subsampled sentence, computed once per word.
  (global $rows (mut i32) (i32.const 0))
  (global $rng (mut i32) (i32.const 1))
  (global $lossSum (mut f64) (f64.const 0))
  (global $lossCount (mut f64) (f64.const 0))
  ;; Sum of the floats read by $touch, stored at the end of a call so the reads are never dropped.
  (global $touched (mut f32) (f32.const 0))

  (func $configure (param $ctx i32)
    (global.set $rowBytes (i32.load offset=0 (local.get $ctx)))
    (global.set $negative (i32.load offset=8 (local.get $ctx)))
    (global.set $hs (i32.load offset=12 (local.get $ctx)))
    (global.set $cbow (i32.load offset=16 (local.get $ctx)))
    (global.set $cbowMean (i32.load offset=20 (local.get $ctx)))
    (global.set $window (i32.load offset=24 (local.get $ctx)))
    (global.set $syn0 (i32.load offset=28 (local.get $ctx)))
    (global.set $syn1neg (i32.load offset=32 (local.get $ctx)))
    (global.set $syn1 (i32.load offset=36 (local.get $ctx)))
    (global.set $expTable (i32.load offset=40 (local.get $ctx)))
    (global.set $logTable (i32.load offset=44 (local.get $ctx)))
    (global.set $vocabSize (i32.load offset=4 (local.get $ctx)))
    (global.set $aliasProbability (i32.load offset=48 (local.get $ctx)))
    (global.set $aliasIndex (i32.load offset=52 (local.get $ctx)))
    (global.set $keep (i32.load offset=56 (local.get $ctx)))
    (global.set $codes (i32.load offset=60 (local.get $ctx)))
    (global.set $points (i32.load offset=64 (local.get $ctx)))
    (global.set $lengths (i32.load offset=68 (local.get $ctx)))
    (global.set $offsets (i32.load offset=72 (local.get $ctx)))
    (global.set $ids (i32.load offset=76 (local.get $ctx)))
    (global.set $ends (i32.load offset=80 (local.get $ctx)))
    (global.set $work (i32.load offset=84 (local.get $ctx)))
    (global.set $neu1 (i32.load offset=88 (local.get $ctx)))
    (global.set $neu1e (i32.load offset=92 (local.get $ctx)))
    (global.set $negs (i32.load offset=96 (local.get $ctx)))
    (global.set $negBlockBytes (i32.shl (i32.add (global.get $negative) (i32.const 1)) (i32.const 2)))
    (global.set $sharedNegatives (i32.and (i32.load offset=156 (local.get $ctx)) (i32.const 1)))
    (global.set $nsSkip (i32.shr_u (i32.and (i32.load offset=156 (local.get $ctx)) (i32.const 2)) (i32.const 1)))
    (global.set $hotEveryChunk (i32.shr_u (i32.and (i32.load offset=156 (local.get $ctx)) (i32.const 4)) (i32.const 2)))
    (global.set $pathRows (i32.load offset=136 (local.get $ctx)))
    (global.set $pathG (i32.add (global.get $pathRows) (i32.const 1024)))
    (global.set $hotStart (i32.load offset=140 (local.get $ctx)))
    (global.set $hotCount (i32.load offset=148 (local.get $ctx)))
    (global.set $hot (i32.load offset=144 (local.get $ctx)))
    (global.set $rows (i32.load offset=152 (local.get $ctx)))
    (global.set $rng (i32.load offset=100 (local.get $ctx)))
    (global.set $lossSum (f64.const 0))
    (global.set $lossCount (f64.const 0)))

  ;; xorshift32 steps the state; the draw is the state times an odd constant (see xorshift.ts for why).
  ;; The caller treats the result as unsigned.
  (func $next (result i32)
    (local $x i32)
    (local.set $x (global.get $rng))
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
    (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
    (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
    (global.set $rng (local.get $x))
    (i32.mul (local.get $x) (i32.const 0x9e3779bb)))

  ;; A uniform integer in 0..n-1 from the next random number x: floor(x·n / 2^32) (no division).
  (func $below (param $n i32) (result i32)
    (i32.wrap_i64 (i64.shr_u
      (i64.mul (i64.extend_i32_u (call $next)) (i64.extend_i32_u (local.get $n)))
      (i64.const 32))))

  ;; Reads one float of every cache line of a row. Called for all rows a position will use before any of them
  ;; is needed, so their cache misses overlap instead of being paid one after another (WebAssembly has no
  ;; prefetch instruction; an ordinary load is the portable way to start one).
  ;; Reads one float of every cache line of a row. Called for all rows a position will use before any of them
  ;; is needed, so their cache misses overlap instead of being paid one after another (WebAssembly has no
  ;; prefetch instruction; an ordinary load is the portable way to start one). 4 independent sums, so the reads
  ;; are not chained one behind another by the additions' latency.
  (func $touch (param $row i32)
    (local $end i32) (local $endK i32) (local $a0 f32) (local $a1 f32) (local $a2 f32) (local $a3 f32)
    (local.set $end (i32.add (local.get $row) (global.get $rowBytes)))
    (local.set $endK (i32.sub (local.get $end) (i32.const 192)))
    (block $doneK (loop $lK
      (br_if $doneK (i32.ge_u (local.get $row) (local.get $endK)))
      (local.set $a0 (f32.add (local.get $a0) (f32.load offset=0 (local.get $row))))
      (local.set $a1 (f32.add (local.get $a1) (f32.load offset=64 (local.get $row))))
      (local.set $a2 (f32.add (local.get $a2) (f32.load offset=128 (local.get $row))))
      (local.set $a3 (f32.add (local.get $a3) (f32.load offset=192 (local.get $row))))
      (local.set $row (i32.add (local.get $row) (i32.const 256)))
      (br $lK)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $a0 (f32.add (local.get $a0) (f32.load (local.get $row))))
      (local.set $row (i32.add (local.get $row) (i32.const 64)))
      (br $l)))
    (global.set $touched (f32.add (global.get $touched) (f32.add (f32.add (f32.add (local.get $a0) (local.get $a1)) (local.get $a2)) (local.get $a3)))))

  ;; dst[0..row) = 0
  (func $zero (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (global.get $rowBytes)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (v128.const i32x4 0 0 0 0))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $l))))

  ;; dst += src
  (func $add (param $src i32) (param $dst i32)
    (local $end i32) (local $end64 i32)
    (local.set $end (i32.add (local.get $dst) (global.get $rowBytes)))
    (local.set $end64 (i32.sub (local.get $end) (i32.const 64)))
    (block $done64 (loop $l64
      (br_if $done64 (i32.gt_u (local.get $dst) (local.get $end64)))
      (v128.store offset=0 (local.get $dst) (f32x4.add (v128.load offset=0 (local.get $dst)) (v128.load offset=0 (local.get $src))))
      (v128.store offset=16 (local.get $dst) (f32x4.add (v128.load offset=16 (local.get $dst)) (v128.load offset=16 (local.get $src))))
      (v128.store offset=32 (local.get $dst) (f32x4.add (v128.load offset=32 (local.get $dst)) (v128.load offset=32 (local.get $src))))
      (v128.store offset=48 (local.get $dst) (f32x4.add (v128.load offset=48 (local.get $dst)) (v128.load offset=48 (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
      (local.set $src (i32.add (local.get $src) (i32.const 64)))
      (br $l64)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $l))))

  ;; dst *= s
  (func $scale (param $dst i32) (param $s f32)
    (local $end i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end (i32.add (local.get $dst) (global.get $rowBytes)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.mul (v128.load (local.get $dst)) (local.get $sv)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $l))))

  ;; One prediction of row `out` from input row `in` with label 0/1: neu1e += g*out; out += g*in.
  ;; $skip: hierarchical softmax leaves nodes with |f| >= MAX_EXP alone.
  (func $predict (param $in i32) (param $out i32) (param $label f32) (param $skip i32) (param $alpha f32)
    (local $k i32) (local $end i32) (local $end64 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $f f32) (local $idx i32) (local $sig f32) (local $g f32) (local $gv v128)
    (local $o v128) (local $e i32)
    ;; f = in · out, four accumulators to hide the add latency
    (local.set $end (i32.add (local.get $in) (global.get $rowBytes)))
    (local.set $end64 (i32.sub (local.get $end) (i32.const 64)))
    (local.set $k (local.get $in))
    (local.set $e (local.get $out))
    (block $done64 (loop $l64
      (br_if $done64 (i32.gt_u (local.get $k) (local.get $end64)))
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load offset=0 (local.get $k)) (v128.load offset=0 (local.get $e)))))
      (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load offset=16 (local.get $k)) (v128.load offset=16 (local.get $e)))))
      (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (v128.load offset=32 (local.get $k)) (v128.load offset=32 (local.get $e)))))
      (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (v128.load offset=48 (local.get $k)) (v128.load offset=48 (local.get $e)))))
      (local.set $k (i32.add (local.get $k) (i32.const 64)))
      (local.set $e (i32.add (local.get $e) (i32.const 64)))
      (br $l64)))
    (block $done16 (loop $l16
      (br_if $done16 (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (local.get $k)) (v128.load (local.get $e)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (br $l16)))
    (local.set $s0 (f32x4.add (f32x4.add (local.get $s0) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3))))
    (local.set $f (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

    (if (local.get $skip)
      (then (if (i32.or (f32.le (local.get $f) (f32.const -6)) (f32.ge (local.get $f) (f32.const 6)))
        (then (return)))))
    ;; table index of the clamped f: (f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2)
    (local.set $idx (i32.trunc_f32_s (f32.mul
      (f32.add (f32.max (f32.min (local.get $f) (f32.const 6)) (f32.const -6)) (f32.const 6))
      (f32.const 83.33333333))))
    (if (i32.gt_s (local.get $idx) (i32.const 999)) (then (local.set $idx (i32.const 999))))
    (if (f32.gt (local.get $f) (f32.const 6))
      (then (local.set $sig (f32.const 1)))
      (else (if (f32.lt (local.get $f) (f32.const -6))
        (then (local.set $sig (f32.const 0)))
        (else (local.set $sig (f32.load (i32.add (global.get $expTable) (i32.shl (local.get $idx) (i32.const 2)))))))))
    (local.set $g (f32.mul (f32.sub (local.get $label) (local.get $sig)) (local.get $alpha)))
    ;; loss estimate: -log σ(f) for label 1, -log σ(-f) for label 0
    (if (f32.eq (local.get $label) (f32.const 1))
      (then (global.set $lossSum (f64.sub (global.get $lossSum) (f64.promote_f32
        (f32.load (i32.add (global.get $logTable) (i32.shl (local.get $idx) (i32.const 2))))))))
      (else (global.set $lossSum (f64.sub (global.get $lossSum) (f64.promote_f32
        (f32.load (i32.add (global.get $logTable) (i32.shl (i32.sub (i32.const 999) (local.get $idx)) (i32.const 2)))))))))
    (global.set $lossCount (f64.add (global.get $lossCount) (f64.const 1)))

    ;; neu1e += g*out; out += g*in (out read before written); four lanes-groups per turn, then the rest
    (local.set $gv (f32x4.splat (local.get $g)))
    (local.set $e (global.get $neu1e))
    (local.set $end (i32.add (local.get $out) (global.get $rowBytes)))
    (local.set $end64 (i32.sub (local.get $end) (i32.const 64)))
    (block $done64 (loop $l64
      (br_if $done64 (i32.gt_u (local.get $out) (local.get $end64)))
      (local.set $o (v128.load offset=0 (local.get $out)))
      (v128.store offset=0 (local.get $e) (f32x4.add (v128.load offset=0 (local.get $e)) (f32x4.mul (local.get $gv) (local.get $o))))
      (v128.store offset=0 (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load offset=0 (local.get $in)))))
      (local.set $o (v128.load offset=16 (local.get $out)))
      (v128.store offset=16 (local.get $e) (f32x4.add (v128.load offset=16 (local.get $e)) (f32x4.mul (local.get $gv) (local.get $o))))
      (v128.store offset=16 (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load offset=16 (local.get $in)))))
      (local.set $o (v128.load offset=32 (local.get $out)))
      (v128.store offset=32 (local.get $e) (f32x4.add (v128.load offset=32 (local.get $e)) (f32x4.mul (local.get $gv) (local.get $o))))
      (v128.store offset=32 (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load offset=32 (local.get $in)))))
      (local.set $o (v128.load offset=48 (local.get $out)))
      (v128.store offset=48 (local.get $e) (f32x4.add (v128.load offset=48 (local.get $e)) (f32x4.mul (local.get $gv) (local.get $o))))
      (v128.store offset=48 (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load offset=48 (local.get $in)))))
      (local.set $out (i32.add (local.get $out) (i32.const 64)))
      (local.set $in (i32.add (local.get $in) (i32.const 64)))
      (local.set $e (i32.add (local.get $e) (i32.const 64)))
      (br $l64)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (local.set $o (v128.load (local.get $out)))
      (v128.store (local.get $e) (f32x4.add (v128.load (local.get $e)) (f32x4.mul (local.get $gv) (local.get $o))))
      (v128.store (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load (local.get $in)))))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (br $l))))

;; Hierarchical softmax along the Huffman path of word $w, from input row $in (which stays constant along the
  ;; path, and the path's nodes are distinct, so every node's dot product can be taken before any node is
  ;; updated: the result is the one of predicting node after node). Three passes: the dot products four nodes
  ;; at a time (each input lane loaded once for four rows, four rows' loads in flight together); the sigmoid,
  ;; gradient and loss of each node, keeping only nodes with |f| < MAX_EXP as word2vec does; then the updates
  ;; four nodes at a time: neu1e += g·out in path order, out += g·in.
  (func $predictPath (param $w i32) (param $in i32) (param $alpha f32)
    (local $o i32) (local $len i32) (local $d i32) (local $m i32) (local $k i32) (local $end i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $x v128)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128) (local $e v128)
    (local $f f32) (local $idx i32) (local $label f32) (local $g f32) (local $neu1e i32)
    (local.set $o (i32.load (i32.add (global.get $offsets) (i32.shl (local.get $w) (i32.const 2)))))
    (local.set $len (i32.load8_u (i32.add (global.get $lengths) (local.get $w))))
    ;; row address of every node
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $d) (local.get $len)))
      (local.set $k (i32.load (i32.add (global.get $points) (i32.shl (i32.add (local.get $o) (local.get $d)) (i32.const 2)))))
      (i32.store (i32.add (global.get $pathRows) (i32.shl (local.get $d) (i32.const 2)))
        (if (result i32) (i32.ge_s (local.get $k) (global.get $hotStart))
          (then (i32.add (global.get $hot) (i32.mul (i32.sub (local.get $k) (global.get $hotStart)) (global.get $rowBytes))))
          (else (i32.add (global.get $syn1) (i32.mul (local.get $k) (global.get $rowBytes))))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $l)))
    ;; 1. dot products, four nodes per turn, then the last few one by one
    (local.set $d (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.gt_s (i32.add (local.get $d) (i32.const 4)) (local.get $len)))
      (local.set $k (i32.add (global.get $pathRows) (i32.shl (local.get $d) (i32.const 2))))
      (local.set $r0 (i32.load offset=0 (local.get $k)))
      (local.set $r1 (i32.load offset=4 (local.get $k)))
      (local.set $r2 (i32.load offset=8 (local.get $k)))
      (local.set $r3 (i32.load offset=12 (local.get $k)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $k (i32.const 0))
      (block $rowDone (loop $row
        (br_if $rowDone (i32.ge_u (local.get $k) (global.get $rowBytes)))
        (local.set $x (v128.load (i32.add (local.get $in) (local.get $k))))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $r0) (local.get $k))))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $r1) (local.get $k))))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $r2) (local.get $k))))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $x) (v128.load (i32.add (local.get $r3) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $row)))
      (local.set $k (i32.add (global.get $pathG) (i32.shl (local.get $d) (i32.const 2))))
      (f32.store offset=0 (local.get $k) (call $hsum (local.get $a0)))
      (f32.store offset=4 (local.get $k) (call $hsum (local.get $a1)))
      (f32.store offset=8 (local.get $k) (call $hsum (local.get $a2)))
      (f32.store offset=12 (local.get $k) (call $hsum (local.get $a3)))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $d) (local.get $len)))
      (local.set $r0 (i32.load (i32.add (global.get $pathRows) (i32.shl (local.get $d) (i32.const 2)))))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $k (i32.const 0))
      (block $rowDone (loop $row
        (br_if $rowDone (i32.ge_u (local.get $k) (global.get $rowBytes)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
          (v128.load (i32.add (local.get $in) (local.get $k))) (v128.load (i32.add (local.get $r0) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $row)))
      (f32.store (i32.add (global.get $pathG) (i32.shl (local.get $d) (i32.const 2))) (call $hsum (local.get $a0)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $l)))
    ;; 2. gradients; nodes outside ±MAX_EXP are dropped, the others packed to the front (rows and g)
    (local.set $d (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $d) (local.get $len)))
      (local.set $f (f32.load (i32.add (global.get $pathG) (i32.shl (local.get $d) (i32.const 2)))))
      (if (i32.and (f32.gt (local.get $f) (f32.const -6)) (f32.lt (local.get $f) (f32.const 6))) (then
        (local.set $idx (i32.trunc_f32_s (f32.mul (f32.add (local.get $f) (f32.const 6)) (f32.const 83.33333333))))
        (if (i32.gt_s (local.get $idx) (i32.const 999)) (then (local.set $idx (i32.const 999))))
        (local.set $label (f32.convert_i32_u (i32.sub (i32.const 1)
          (i32.load8_u (i32.add (global.get $codes) (i32.add (local.get $o) (local.get $d)))))))
        (local.set $g (f32.mul (f32.sub (local.get $label)
          (f32.load (i32.add (global.get $expTable) (i32.shl (local.get $idx) (i32.const 2))))) (local.get $alpha)))
        (if (f32.eq (local.get $label) (f32.const 1))
          (then (global.set $lossSum (f64.sub (global.get $lossSum) (f64.promote_f32
            (f32.load (i32.add (global.get $logTable) (i32.shl (local.get $idx) (i32.const 2))))))))
          (else (global.set $lossSum (f64.sub (global.get $lossSum) (f64.promote_f32
            (f32.load (i32.add (global.get $logTable) (i32.shl (i32.sub (i32.const 999) (local.get $idx)) (i32.const 2)))))))))
        (i32.store (i32.add (global.get $pathRows) (i32.shl (local.get $m) (i32.const 2)))
          (i32.load (i32.add (global.get $pathRows) (i32.shl (local.get $d) (i32.const 2)))))
        (f32.store (i32.add (global.get $pathG) (i32.shl (local.get $m) (i32.const 2))) (local.get $g))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $l)))
    (global.set $lossCount (f64.add (global.get $lossCount) (f64.convert_i32_u (local.get $m))))
    ;; 3. updates, four kept nodes per turn, then the last few one by one
    (local.set $neu1e (global.get $neu1e))
    (local.set $d (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.gt_s (i32.add (local.get $d) (i32.const 4)) (local.get $m)))
      (local.set $k (i32.add (global.get $pathRows) (i32.shl (local.get $d) (i32.const 2))))
      (local.set $r0 (i32.load offset=0 (local.get $k)))
      (local.set $r1 (i32.load offset=4 (local.get $k)))
      (local.set $r2 (i32.load offset=8 (local.get $k)))
      (local.set $r3 (i32.load offset=12 (local.get $k)))
      (local.set $k (i32.add (global.get $pathG) (i32.shl (local.get $d) (i32.const 2))))
      (local.set $g0 (v128.load32_splat offset=0 (local.get $k)))
      (local.set $g1 (v128.load32_splat offset=4 (local.get $k)))
      (local.set $g2 (v128.load32_splat offset=8 (local.get $k)))
      (local.set $g3 (v128.load32_splat offset=12 (local.get $k)))
      (local.set $k (i32.const 0))
      (block $rowDone (loop $row
        (br_if $rowDone (i32.ge_u (local.get $k) (global.get $rowBytes)))
        (local.set $x (v128.load (i32.add (local.get $in) (local.get $k))))
        (local.set $e (v128.load (i32.add (local.get $neu1e) (local.get $k))))
        (local.set $a0 (v128.load (i32.add (local.get $r0) (local.get $k))))
        (local.set $e (f32x4.add (local.get $e) (f32x4.mul (local.get $g0) (local.get $a0))))
        (v128.store (i32.add (local.get $r0) (local.get $k)) (f32x4.add (local.get $a0) (f32x4.mul (local.get $g0) (local.get $x))))
        (local.set $a1 (v128.load (i32.add (local.get $r1) (local.get $k))))
        (local.set $e (f32x4.add (local.get $e) (f32x4.mul (local.get $g1) (local.get $a1))))
        (v128.store (i32.add (local.get $r1) (local.get $k)) (f32x4.add (local.get $a1) (f32x4.mul (local.get $g1) (local.get $x))))
        (local.set $a2 (v128.load (i32.add (local.get $r2) (local.get $k))))
        (local.set $e (f32x4.add (local.get $e) (f32x4.mul (local.get $g2) (local.get $a2))))
        (v128.store (i32.add (local.get $r2) (local.get $k)) (f32x4.add (local.get $a2) (f32x4.mul (local.get $g2) (local.get $x))))
        (local.set $a3 (v128.load (i32.add (local.get $r3) (local.get $k))))
        (local.set $e (f32x4.add (local.get $e) (f32x4.mul (local.get $g3) (local.get $a3))))
        (v128.store (i32.add (local.get $r3) (local.get $k)) (f32x4.add (local.get $a3) (f32x4.mul (local.get $g3) (local.get $x))))
        (v128.store (i32.add (local.get $neu1e) (local.get $k)) (local.get $e))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $row)))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (br $l)))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $d) (local.get $m)))
      (local.set $r0 (i32.load (i32.add (global.get $pathRows) (i32.shl (local.get $d) (i32.const 2)))))
      (local.set $g0 (v128.load32_splat (i32.add (global.get $pathG) (i32.shl (local.get $d) (i32.const 2)))))
      (local.set $k (i32.const 0))
      (block $rowDone (loop $row
        (br_if $rowDone (i32.ge_u (local.get $k) (global.get $rowBytes)))
        (local.set $a0 (v128.load (i32.add (local.get $r0) (local.get $k))))
        (v128.store (i32.add (local.get $neu1e) (local.get $k)) (f32x4.add
          (v128.load (i32.add (local.get $neu1e) (local.get $k))) (f32x4.mul (local.get $g0) (local.get $a0))))
        (v128.store (i32.add (local.get $r0) (local.get $k)) (f32x4.add (local.get $a0)
          (f32x4.mul (local.get $g0) (v128.load (i32.add (local.get $in) (local.get $k))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $row)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $l))))

  ;; Sum of the four lanes, in the order $predict adds them.
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

;; Copies $n shared rows from $shared into this thread's private copy at $priv and into a snapshot of their
  ;; starting values right after it.
  (func $hotPull (param $shared i32) (param $priv i32) (param $n i32)
    (local $k i32) (local $end i32) (local $snap i32) (local $x v128)
    (local.set $end (i32.mul (local.get $n) (global.get $rowBytes)))
    (local.set $snap (i32.add (local.get $priv) (local.get $end)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $x (v128.load (i32.add (local.get $shared) (local.get $k))))
      (v128.store (i32.add (local.get $priv) (local.get $k)) (local.get $x))
      (v128.store (i32.add (local.get $snap) (local.get $k)) (local.get $x))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $l))))

  ;; Adds what this call changed in its private rows (private − snapshot) to the shared rows, so the changes
  ;; of every thread add up as Hogwild's would, without the threads fighting over those cache lines on every
  ;; update.
  (func $hotPush (param $shared i32) (param $priv i32) (param $n i32)
    (local $k i32) (local $end i32) (local $snap i32)
    (local.set $end (i32.mul (local.get $n) (global.get $rowBytes)))
    (local.set $snap (i32.add (local.get $priv) (local.get $end)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
      (v128.store (i32.add (local.get $shared) (local.get $k)) (f32x4.add
        (v128.load (i32.add (local.get $shared) (local.get $k)))
        (f32x4.sub (v128.load (i32.add (local.get $priv) (local.get $k))) (v128.load (i32.add (local.get $snap) (local.get $k))))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (br $l))))

  ;; Where the hot hierarchical-softmax rows start in the shared matrix.
  (func $hotShared (result i32)
    (i32.add (global.get $syn1) (i32.mul (global.get $hotStart) (global.get $rowBytes))))

  ;; Every prediction of centre word $w from input row $in: its Huffman path, then itself and the negatives.
  ;; $wOut is the address of $w's negative-sampling output row; $block, of a block of negatives in the slot's
  ;; negs area (a count, then the negatives' row addresses).
  (func $predictAll (param $w i32) (param $wOut i32) (param $block i32) (param $in i32) (param $alpha f32)
    (local $k i32) (local $nNeg i32)
    (if (global.get $hs) (then (call $predictPath (local.get $w) (local.get $in) (local.get $alpha))))
    (if (global.get $negative) (then
      (local.set $nNeg (i32.load (local.get $block)))
      (call $predict (local.get $in) (local.get $wOut) (f32.const 1) (global.get $nsSkip) (local.get $alpha))
      (block $done (loop $l
        (br_if $done (i32.ge_s (local.get $k) (local.get $nNeg)))
        (call $predict (local.get $in)
          (i32.load offset=4 (i32.add (local.get $block) (i32.shl (local.get $k) (i32.const 2))))
          (f32.const 0) (global.get $nsSkip) (local.get $alpha))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $l))))))

  ;; Trains the slot's chunk: `nSentences` sentences whose exclusive ends are in the slot's sentenceEnds area.
  ;; Returns how many words survived subsampling; the loss of the call is left in the configuration block.
  (func (export "train") (param $ctx i32) (param $nSentences i32) (param $alpha f32) (result i32)
    (local $s i32) (local $start i32) (local $end i32) (local $p i32) (local $n i32) (local $w i32)
    (local $kw f32) (local $kept i32) (local $i i32) (local $win i32) (local $k i32) (local $nNeg i32)
    (local $t i32) (local $lo i32) (local $hi i32) (local $j i32) (local $cw i32) (local $inv f32) (local $wOut i32)
    (local $sets i32) (local $b i32) (local $block i32)
    (call $configure (local.get $ctx))
    (call $hotPull (call $hotShared) (global.get $hot) (global.get $hotCount))
    (block $sentencesDone (loop $sentences
      (br_if $sentencesDone (i32.ge_s (local.get $s) (local.get $nSentences)))
      (local.set $end (i32.load (i32.add (global.get $ends) (i32.shl (local.get $s) (i32.const 2)))))
      ;; 1. subsampling into the work buffer
      (local.set $n (i32.const 0))
      (local.set $p (local.get $start))
      (block $subDone (loop $sub
        (br_if $subDone (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $w (i32.load (i32.add (global.get $ids) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (block $keepIt
          (br_if $keepIt (i32.eqz (global.get $keep)))
          (local.set $kw (f32.load (i32.add (global.get $keep) (i32.shl (local.get $w) (i32.const 2)))))
          (br_if $keepIt (f32.ge (local.get $kw) (f32.const 1)))
          (br_if $sub (f32.lt (local.get $kw)
            (f32.mul (f32.convert_i32_u (i32.shr_u (call $next) (i32.const 8))) (f32.const 0x1p-24)))))
        (i32.store (i32.add (global.get $work) (i32.shl (local.get $n) (i32.const 2))) (local.get $w))
        (i32.store (i32.add (global.get $rows) (i32.shl (local.get $n) (i32.const 2)))
          (i32.add (global.get $syn0) (i32.mul (local.get $w) (global.get $rowBytes))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $sub)))
      (local.set $start (local.get $end))
      (local.set $kept (i32.add (local.get $kept) (local.get $n)))

      ;; 2. every position of the sentence
      (local.set $i (i32.const 0))
      (block $posDone (loop $pos
        (br_if $posDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $w (i32.load (i32.add (global.get $work) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $win (i32.sub (global.get $window) (call $below (global.get $window))))
        (local.set $lo (i32.sub (local.get $i) (local.get $win)))
        (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
        (local.set $hi (i32.add (local.get $i) (local.get $win)))
        (if (i32.ge_s (local.get $hi) (local.get $n)) (then (local.set $hi (i32.sub (local.get $n) (i32.const 1)))))
        ;; one block of negatives per prediction: per context word for skip-gram, one for CBOW; each row's
        ;; cache miss is started as soon as it is drawn
        (local.set $sets (if (result i32) (i32.or (global.get $cbow) (global.get $sharedNegatives))
          (then (i32.const 1)) (else (i32.sub (local.get $hi) (local.get $lo)))))
        (local.set $b (i32.const 0))
        (block $setsDone (loop $setLoop
          (br_if $setsDone (i32.ge_s (local.get $b) (local.get $sets)))
          (local.set $block (i32.add (global.get $negs) (i32.mul (local.get $b) (global.get $negBlockBytes))))
          (local.set $nNeg (i32.const 0))
          (local.set $k (i32.const 0))
          (block $negDone (loop $negLoop
            (br_if $negDone (i32.ge_s (local.get $k) (global.get $negative)))
            ;; alias method: a uniform word, kept with its probability, else its alias
            (local.set $t (call $below (global.get $vocabSize)))
            (if (i32.eqz (f32.lt (f32.mul (f32.convert_i32_u (i32.shr_u (call $next) (i32.const 8))) (f32.const 0x1p-24))
                                 (f32.load (i32.add (global.get $aliasProbability) (i32.shl (local.get $t) (i32.const 2))))))
              (then (local.set $t (i32.load (i32.add (global.get $aliasIndex) (i32.shl (local.get $t) (i32.const 2)))))))
            (if (i32.ne (local.get $t) (local.get $w)) (then
              (local.set $t (i32.add (global.get $syn1neg) (i32.mul (local.get $t) (global.get $rowBytes))))
              (i32.store offset=4 (i32.add (local.get $block) (i32.shl (local.get $nNeg) (i32.const 2))) (local.get $t))
              (call $touch (local.get $t))
              (local.set $nNeg (i32.add (local.get $nNeg) (i32.const 1)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $negLoop)))
          (i32.store (local.get $block) (local.get $nNeg))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br $setLoop)))
        (local.set $wOut (i32.add (global.get $syn1neg) (i32.mul (local.get $w) (global.get $rowBytes))))
        ;; start the other cache misses of this position at once: the centre word's output row, the window's input rows
        (if (global.get $negative) (then (call $touch (local.get $wOut))))
        (local.set $j (local.get $lo))
        (block $tcDone (loop $tc
          (br_if $tcDone (i32.gt_s (local.get $j) (local.get $hi)))
          (call $touch (i32.load (i32.add (global.get $rows) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $tc)))

        (if (i32.eqz (global.get $cbow))
          (then
            ;; skip-gram: each context word's input row predicts the centre word
            (local.set $j (local.get $lo))
            (local.set $block (global.get $negs))
            (block $ctxDone (loop $ctx
              (br_if $ctxDone (i32.gt_s (local.get $j) (local.get $hi)))
              (if (i32.ne (local.get $j) (local.get $i)) (then
                (local.set $t (i32.load (i32.add (global.get $rows) (i32.shl (local.get $j) (i32.const 2)))))
                (call $zero (global.get $neu1e))
                (call $predictAll (local.get $w) (local.get $wOut) (local.get $block) (local.get $t) (local.get $alpha))
                (call $add (global.get $neu1e) (local.get $t))
                (if (i32.eqz (global.get $sharedNegatives)) (then
                  (local.set $block (i32.add (local.get $block) (global.get $negBlockBytes)))))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $ctx))))
          (else
            ;; CBOW: the window's (mean or summed) input rows predict the centre word
            (local.set $cw (i32.sub (local.get $hi) (local.get $lo)))
            (if (local.get $cw) (then
              (call $zero (global.get $neu1))
              (local.set $j (local.get $lo))
              (block $sumDone (loop $sum
                (br_if $sumDone (i32.gt_s (local.get $j) (local.get $hi)))
                (if (i32.ne (local.get $j) (local.get $i)) (then
                  (call $add (i32.load (i32.add (global.get $rows) (i32.shl (local.get $j) (i32.const 2)))) (global.get $neu1))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $sum)))
              (local.set $inv (f32.div (f32.const 1) (f32.convert_i32_s (local.get $cw))))
              (if (global.get $cbowMean) (then (call $scale (global.get $neu1) (local.get $inv))))
              (call $zero (global.get $neu1e))
              (call $predictAll (local.get $w) (local.get $wOut) (global.get $negs) (global.get $neu1) (local.get $alpha))
              (if (i32.eqz (global.get $cbowMean)) (then (call $scale (global.get $neu1e) (local.get $inv))))
              (local.set $j (local.get $lo))
              (block $spreadDone (loop $spread
                (br_if $spreadDone (i32.gt_s (local.get $j) (local.get $hi)))
                (if (i32.ne (local.get $j) (local.get $i)) (then
                  (call $add (global.get $neu1e) (i32.load (i32.add (global.get $rows) (i32.shl (local.get $j) (i32.const 2)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $spread)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $pos)))
      (if (i32.eqz (global.get $hotEveryChunk)) (then
        (call $hotPush (call $hotShared) (global.get $hot) (global.get $hotCount))
        (call $hotPull (call $hotShared) (global.get $hot) (global.get $hotCount))))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sentences)))
    (call $hotPush (call $hotShared) (global.get $hot) (global.get $hotCount))
    (f32.store offset=120 (local.get $ctx) (global.get $touched))
    (i32.store offset=100 (local.get $ctx) (global.get $rng))
    (f64.store offset=104 (local.get $ctx) (global.get $lossSum))
    (f64.store offset=112 (local.get $ctx) (global.get $lossCount))
    (local.get $kept))
)
