;; fastText training kernel: skip-gram / CBOW over character n-gram subwords, negative sampling,
;; hierarchical softmax or the full softmax, f32x4 SIMD; and fastText's supervised classifier (each sentence an
;; example of input rows and labels, with those losses over the labels or one-vs-all).
;;
;; One call trains a whole chunk of sentences (word ids already in the slot's input buffer). The update rule,
;; including the order of every random draw, is the one written out in ../fasttext-reference.ts; tests hold
;; this kernel to it. The row helpers ($zero, $add, $scale) are the same as word2vec.wat's: WebAssembly
;; modules cannot share functions without an import table, and these are a few lines each.
;;
;; Every array lives in the imported shared memory; addresses come from the slot's configuration block
;; (FT_CTX in ../fasttext-layout.ts). Globals are per instance, i.e. per worker thread.

(module
  (import "env" "memory" (memory 1 65536 shared))
  ;; Math.exp and Math.log, for the full softmax only (WebAssembly has neither instruction).
  (import "env" "exp" (func $exp (param f64) (result f64)))
  (import "env" "log" (func $log (param f64) (result f64)))

  (global $rowBytes (mut i32) (i32.const 0))
  (global $nwords (mut i32) (i32.const 0))
  ;; output rows: nwords, or the labels of a supervised model
  (global $osz (mut i32) (i32.const 0))
  (global $supervised (mut i32) (i32.const 0))
  (global $neg (mut i32) (i32.const 0))
  ;; 0 negative sampling, 1 hierarchical softmax, 2 full softmax, 3 one-vs-all (LOSS_CODES in ../fasttext-layout.ts)
  (global $loss (mut i32) (i32.const 0))
  (global $cbow (mut i32) (i32.const 0))
  (global $ws (mut i32) (i32.const 0))
  (global $input (mut i32) (i32.const 0))
  (global $output (mut i32) (i32.const 0))
  (global $expTable (mut i32) (i32.const 0))
  (global $logTable (mut i32) (i32.const 0))
  (global $aliasProbability (mut i32) (i32.const 0))
  (global $aliasIndex (mut i32) (i32.const 0))
  (global $keep (mut i32) (i32.const 0))
  (global $codes (mut i32) (i32.const 0))
  (global $points (mut i32) (i32.const 0))
  (global $lengths (mut i32) (i32.const 0))
  (global $offsets (mut i32) (i32.const 0))
  (global $subwordOffsets (mut i32) (i32.const 0))
  (global $subwordRows (mut i32) (i32.const 0))
  (global $ids (mut i32) (i32.const 0))
  (global $ends (mut i32) (i32.const 0))
  (global $work (mut i32) (i32.const 0))
  (global $hidden (mut i32) (i32.const 0))
  (global $grad (mut i32) (i32.const 0))
  (global $hiddenStart (mut i32) (i32.const 0))
  (global $scores (mut i32) (i32.const 0))
  (global $lrUpdateRate (mut i32) (i32.const 0))
  (global $rng (mut i32) (i32.const 1))
  (global $lr (mut f32) (f32.const 0))
  (global $lossSum (mut f64) (f64.const 0))
  (global $lossCount (mut f64) (f64.const 0))

  (func $configure (param $ctx i32)
    (global.set $rowBytes (i32.load offset=0 (local.get $ctx)))
    (global.set $nwords (i32.load offset=4 (local.get $ctx)))
    (global.set $neg (i32.load offset=8 (local.get $ctx)))
    (global.set $loss (i32.load offset=12 (local.get $ctx)))
    (global.set $cbow (i32.load offset=16 (local.get $ctx)))
    (global.set $ws (i32.load offset=20 (local.get $ctx)))
    (global.set $input (i32.load offset=24 (local.get $ctx)))
    (global.set $output (i32.load offset=28 (local.get $ctx)))
    (global.set $expTable (i32.load offset=32 (local.get $ctx)))
    (global.set $logTable (i32.load offset=36 (local.get $ctx)))
    (global.set $aliasProbability (i32.load offset=40 (local.get $ctx)))
    (global.set $aliasIndex (i32.load offset=44 (local.get $ctx)))
    (global.set $keep (i32.load offset=48 (local.get $ctx)))
    (global.set $codes (i32.load offset=52 (local.get $ctx)))
    (global.set $points (i32.load offset=56 (local.get $ctx)))
    (global.set $lengths (i32.load offset=60 (local.get $ctx)))
    (global.set $offsets (i32.load offset=64 (local.get $ctx)))
    (global.set $subwordOffsets (i32.load offset=68 (local.get $ctx)))
    (global.set $subwordRows (i32.load offset=72 (local.get $ctx)))
    (global.set $ids (i32.load offset=76 (local.get $ctx)))
    (global.set $ends (i32.load offset=80 (local.get $ctx)))
    (global.set $work (i32.load offset=84 (local.get $ctx)))
    (global.set $hidden (i32.load offset=88 (local.get $ctx)))
    (global.set $grad (i32.load offset=92 (local.get $ctx)))
    (global.set $hiddenStart (i32.load offset=136 (local.get $ctx)))
    (global.set $scores (i32.load offset=140 (local.get $ctx)))
    (global.set $lrUpdateRate (i32.load offset=96 (local.get $ctx)))
    (global.set $osz (i32.load offset=144 (local.get $ctx)))
    (global.set $supervised (i32.load offset=148 (local.get $ctx)))
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

  ;; floor(x·n / 2^32) for the next random x.
  (func $below (param $n i32) (result i32)
    (i32.wrap_i64 (i64.shr_u
      (i64.mul (i64.extend_i32_u (call $next)) (i64.extend_i32_u (local.get $n)))
      (i64.const 32))))

  ;; A uniform float in [0, 1) from the top 24 bits of the next random number.
  (func $unit (result f32)
    (f32.mul (f32.convert_i32_u (i32.shr_u (call $next) (i32.const 8))) (f32.const 0x1p-24)))

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
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (global.get $rowBytes)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $l))))

;; dst = a + b
  (func $sum (param $a i32) (param $b i32) (param $dst i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $dst) (global.get $rowBytes)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
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

  ;; hidden · the row at $out (two accumulators; rows are a whole number of f32x4 lanes).
  (func $dot (param $out i32) (result f32)
    (local $k i32) (local $end i32) (local $s0 v128) (local $s1 v128)
    (local.set $k (global.get $hidden))
    (local.set $end (i32.add (local.get $k) (global.get $rowBytes)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (v128.load (local.get $k)) (v128.load (local.get $out)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
      (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (v128.load (local.get $k)) (v128.load (local.get $out)))))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l)))
    (local.set $s0 (f32x4.add (local.get $s0) (local.get $s1)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))

  ;; grad += g·out, then out += g·hidden, for the row at $out.
  (func $update (param $out i32) (param $g f32)
    (local $k i32) (local $e i32) (local $end i32) (local $o v128) (local $gv v128)
    (local.set $gv (f32x4.splat (local.get $g)))
    (local.set $k (global.get $hidden))
    (local.set $e (global.get $grad))
    (local.set $end (i32.add (local.get $out) (global.get $rowBytes)))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (local.set $o (v128.load (local.get $out)))
      (v128.store (local.get $e) (f32x4.add (v128.load (local.get $e)) (f32x4.mul (local.get $gv) (local.get $o))))
      (v128.store (local.get $out) (f32x4.add (local.get $o) (f32x4.mul (local.get $gv) (v128.load (local.get $k)))))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 16)))
      (local.set $e (i32.add (local.get $e) (i32.const 16)))
      (br $l))))

  ;; Scores output row $out (an address) against hidden with $label: grad += g·out, out += g·hidden.
  ;; Returns the loss of this binary prediction.
  (func $binaryLogistic (param $out i32) (param $label f32) (result f64)
    (local $f f32) (local $idx i32) (local $sig f32)
    (local.set $f (call $dot (local.get $out)))
    ;; fastText's table cell of the clamped f: (f + MAX_SIGMOID) * (SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2), 0..512
    (local.set $idx (i32.trunc_f32_s (f32.mul
      (f32.add (f32.max (f32.min (local.get $f) (f32.const 8)) (f32.const -8)) (f32.const 8))
      (f32.const 32))))
    (if (f32.gt (local.get $f) (f32.const 8))
      (then (local.set $sig (f32.const 1)))
      (else (if (f32.lt (local.get $f) (f32.const -8))
        (then (local.set $sig (f32.const 0)))
        (else (local.set $sig (f32.load (i32.add (global.get $expTable) (i32.shl (local.get $idx) (i32.const 2)))))))))
    (call $update (local.get $out) (f32.mul (f32.sub (local.get $label) (local.get $sig)) (global.get $lr)))
    (f64.neg (f64.promote_f32 (f32.load (i32.add (global.get $logTable) (i32.shl
      (select (local.get $idx) (i32.sub (i32.const 512) (local.get $idx)) (f32.eq (local.get $label) (f32.const 1)))
      (i32.const 2)))))))

  ;; The full softmax over the output rows (vocabulary or labels) for $target, as fastText's SoftmaxLoss (float32 throughout): every
  ;; output row o gets g = lr·([o = target] − p_o). Returns −log p_target.
  (func $softmax (param $target i32) (result f64)
    (local $o i32) (local $at i32) (local $max f32) (local $z f32) (local $p f32) (local $pt f32)
    ;; 1. scores, and their maximum
    (local.set $max (f32.const -inf))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $o) (global.get $osz)))
      (local.set $at (i32.add (global.get $scores) (i32.shl (local.get $o) (i32.const 2))))
      (f32.store (local.get $at) (call $dot (call $outRow (local.get $o))))
      (local.set $max (f32.max (local.get $max) (f32.load (local.get $at))))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $l)))
    ;; 2. exp(score − max) and their sum
    (local.set $o (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $o) (global.get $osz)))
      (local.set $at (i32.add (global.get $scores) (i32.shl (local.get $o) (i32.const 2))))
      (f32.store (local.get $at) (f32.demote_f64 (call $exp (f64.promote_f32
        (f32.sub (f32.load (local.get $at)) (local.get $max))))))
      (local.set $z (f32.add (local.get $z) (f32.load (local.get $at))))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $l)))
    ;; 3. every output row
    (local.set $o (i32.const 0))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $o) (global.get $osz)))
      (local.set $p (f32.div (f32.load (i32.add (global.get $scores) (i32.shl (local.get $o) (i32.const 2)))) (local.get $z)))
      (if (i32.eq (local.get $o) (local.get $target)) (then (local.set $pt (local.get $p))))
      (call $update (call $outRow (local.get $o))
        (f32.mul (f32.sub (f32.convert_i32_u (i32.eq (local.get $o) (local.get $target))) (local.get $p)) (global.get $lr)))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $l)))
    (f64.neg (call $log (f64.max (f64.promote_f32 (local.get $pt)) (f64.const 1e-10)))))

  (func $outRow (param $t i32) (result i32)
    (i32.add (global.get $output) (i32.mul (local.get $t) (global.get $rowBytes))))

  ;; A negative for $target: alias draw, redrawn while it equals the target (at most 64 draws).
  (func $negative (param $target i32) (result i32)
    (local $t i32) (local $tries i32)
    (local.set $t (local.get $target))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $tries) (i32.const 64)))
      (br_if $done (i32.ne (local.get $t) (local.get $target)))
      (local.set $t (call $below (global.get $osz)))
      (if (i32.eqz (f32.lt (call $unit)
                           (f32.load (i32.add (global.get $aliasProbability) (i32.shl (local.get $t) (i32.const 2))))))
        (then (local.set $t (i32.load (i32.add (global.get $aliasIndex) (i32.shl (local.get $t) (i32.const 2)))))))
      (local.set $tries (i32.add (local.get $tries) (i32.const 1)))
      (br $l)))
    (local.get $t))

  ;; One target: its Huffman path (hs), itself and `neg` negatives (ns), or every word (softmax); the loss is
  ;; added up.
  (func $predict (param $target i32)
    (local $loss f64) (local $o i32) (local $len i32) (local $k i32) (local $t i32)
    (if (i32.eq (global.get $loss) (i32.const 2))
      (then (local.set $loss (call $softmax (local.get $target))))
    (else (if (i32.eq (global.get $loss) (i32.const 1))
      (then
        (local.set $o (i32.load (i32.add (global.get $offsets) (i32.shl (local.get $target) (i32.const 2)))))
        (local.set $len (i32.load8_u (i32.add (global.get $lengths) (local.get $target))))
        (block $done (loop $l
          (br_if $done (i32.ge_s (local.get $k) (local.get $len)))
          (local.set $loss (f64.add (local.get $loss) (call $binaryLogistic
            (call $outRow (i32.load (i32.add (global.get $points) (i32.shl (i32.add (local.get $o) (local.get $k)) (i32.const 2)))))
            (f32.convert_i32_u (i32.load8_u (i32.add (global.get $codes) (i32.add (local.get $o) (local.get $k))))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $l))))
      (else
        (local.set $loss (call $binaryLogistic (call $outRow (local.get $target)) (f32.const 1)))
        (block $done (loop $l
          (br_if $done (i32.ge_s (local.get $k) (global.get $neg)))
          (local.set $t (call $negative (local.get $target)))
          (if (i32.ne (local.get $t) (local.get $target))
            (then (local.set $loss (f64.add (local.get $loss) (call $binaryLogistic (call $outRow (local.get $t)) (f32.const 0))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $l)))))))
    (global.set $lossSum (f64.add (global.get $lossSum) (local.get $loss)))
    (global.set $lossCount (f64.add (global.get $lossCount) (f64.const 1))))

  (func $rowsFrom (param $w i32) (result i32)
    (i32.load (i32.add (global.get $subwordOffsets) (i32.shl (local.get $w) (i32.const 2)))))

  (func $inRow (param $k i32) (result i32)
    (i32.add (global.get $input) (i32.mul
      (i32.load (i32.add (global.get $subwordRows) (i32.shl (local.get $k) (i32.const 2))))
      (global.get $rowBytes))))

  ;; hidden += every input row of word $w; returns how many.
  (func $addRows (param $w i32) (result i32)
    (local $k i32) (local $to i32)
    (local.set $k (call $rowsFrom (local.get $w)))
    (local.set $to (call $rowsFrom (i32.add (local.get $w) (i32.const 1))))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $k) (local.get $to)))
      (call $add (call $inRow (local.get $k)) (global.get $hidden))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l)))
    (i32.sub (local.get $to) (call $rowsFrom (local.get $w))))

  ;; Every input row of word $w += grad.
  (func $scatter (param $w i32)
    (local $k i32) (local $to i32)
    (local.set $k (call $rowsFrom (local.get $w)))
    (local.set $to (call $rowsFrom (i32.add (local.get $w) (i32.const 1))))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $k) (local.get $to)))
      (call $add (global.get $grad) (call $inRow (local.get $k)))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $l))))

  (func $workAt (param $i i32) (result i32)
    (i32.load (i32.add (global.get $work) (i32.shl (local.get $i) (i32.const 2)))))

  ;; The input row of id $id (an address).
  (func $rowOf (param $id i32) (result i32)
    (i32.add (global.get $input) (i32.mul (local.get $id) (global.get $rowBytes))))

  (func $idAt (param $p i32) (result i32)
    (i32.load (i32.add (global.get $ids) (i32.shl (local.get $p) (i32.const 2)))))

  ;; One supervised example, ids [$from, $to): ids >= 0 are input rows, ids < 0 labels (-1 - label). hidden is
  ;; the mean of the rows; the target is a label of the example drawn uniformly (softmax, ns, hs), or every label
  ;; is scored one-vs-all (ova); grad / rows goes to every row. Returns the rows, 0 when skipped.
  (func $supervisedExample (param $from i32) (param $to i32) (result i32)
    (local $p i32) (local $id i32) (local $rows i32) (local $labels i32) (local $k i32) (local $target i32)
    (local $o i32) (local $match f32) (local $loss f64) (local $inv f32)
    (local.set $p (local.get $from))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $p) (local.get $to)))
      (if (i32.ge_s (call $idAt (local.get $p)) (i32.const 0))
        (then (local.set $rows (i32.add (local.get $rows) (i32.const 1)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.set $labels (i32.sub (i32.sub (local.get $to) (local.get $from)) (local.get $rows)))
    (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $labels))) (then (return (i32.const 0))))
    (call $zero (global.get $hidden))
    (call $zero (global.get $grad))
    (local.set $p (local.get $from))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $p) (local.get $to)))
      (local.set $id (call $idAt (local.get $p)))
      (if (i32.ge_s (local.get $id) (i32.const 0))
        (then (call $add (call $rowOf (local.get $id)) (global.get $hidden))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (call $scale (global.get $hidden) (f32.div (f32.const 1) (f32.convert_i32_s (local.get $rows))))
    (if (i32.eq (global.get $loss) (i32.const 3))
      (then
        ;; one-vs-all: every label, positive when the example has it
        (block $labelsDone (loop $labelsLoop
          (br_if $labelsDone (i32.ge_s (local.get $o) (global.get $osz)))
          (local.set $match (f32.const 0))
          (local.set $p (local.get $from))
          (block $done (loop $l
            (br_if $done (i32.ge_s (local.get $p) (local.get $to)))
            (if (i32.eq (call $idAt (local.get $p)) (i32.sub (i32.const -1) (local.get $o)))
              (then (local.set $match (f32.const 1))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $l)))
          (local.set $loss (f64.add (local.get $loss) (call $binaryLogistic (call $outRow (local.get $o)) (local.get $match))))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (br $labelsLoop)))
        (global.set $lossSum (f64.add (global.get $lossSum) (local.get $loss)))
        (global.set $lossCount (f64.add (global.get $lossCount) (f64.const 1))))
      (else
        ;; the k-th label of the example
        (local.set $k (call $below (local.get $labels)))
        (local.set $p (local.get $from))
        (block $found (loop $l
          (br_if $found (i32.ge_s (local.get $p) (local.get $to)))
          (local.set $id (call $idAt (local.get $p)))
          (if (i32.lt_s (local.get $id) (i32.const 0)) (then
            (if (i32.eqz (local.get $k)) (then
              (local.set $target (i32.sub (i32.const -1) (local.get $id)))
              (br $found)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $l)))
        (call $predict (local.get $target))))
    (call $scale (global.get $grad) (f32.div (f32.const 1) (f32.convert_i32_s (local.get $rows))))
    (local.set $p (local.get $from))
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get $p) (local.get $to)))
      (local.set $id (call $idAt (local.get $p)))
      (if (i32.ge_s (local.get $id) (i32.const 0))
        (then (call $add (global.get $grad) (call $rowOf (local.get $id)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $rows))

  ;; Trains the slot's chunk of `nSentences` sentences; the learning rate moves from $alphaStart at the first
  ;; token to $alphaEnd at the last. Returns the words kept by subsampling; the loss is left in the block.
  (func (export "train") (param $ctx i32) (param $nSentences i32) (param $alphaStart f64) (param $alphaEnd f64) (result i32)
    (local $s i32) (local $start i32) (local $end i32) (local $p i32) (local $n i32) (local $w i32)
    (local $kw f32) (local $kept i32) (local $i i32) (local $b i32) (local $lo i32) (local $hi i32) (local $j i32)
    (local $rows i32) (local $total i32) (local $since i32)
    (call $configure (local.get $ctx))
    (global.set $lr (f32.demote_f64 (local.get $alphaStart)))
    (if (i32.gt_s (local.get $nSentences) (i32.const 0)) (then
      (local.set $total (i32.load (i32.add (global.get $ends) (i32.shl (i32.sub (local.get $nSentences) (i32.const 1)) (i32.const 2)))))))
    (block $sentencesDone (loop $sentences
      (br_if $sentencesDone (i32.ge_s (local.get $s) (local.get $nSentences)))
      (local.set $end (i32.load (i32.add (global.get $ends) (i32.shl (local.get $s) (i32.const 2)))))
      ;; supervised: the sentence is one example; the learning rate as below
      (if (global.get $supervised) (then
        (local.set $since (i32.add (local.get $since) (i32.sub (local.get $end) (local.get $start))))
        (if (i32.ge_s (local.get $since) (global.get $lrUpdateRate)) (then
          (local.set $since (i32.const 0))
          (global.set $lr (f32.demote_f64 (f64.add (local.get $alphaStart)
            (f64.mul (f64.sub (local.get $alphaEnd) (local.get $alphaStart))
              (f64.div (f64.convert_i32_s (local.get $start))
                (f64.convert_i32_s (select (local.get $total) (i32.const 1) (i32.gt_s (local.get $total) (i32.const 1)))))))))))
        (local.set $kept (i32.add (local.get $kept) (call $supervisedExample (local.get $start) (local.get $end))))
        (local.set $start (local.get $end))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $sentences)))
      ;; 1. subsampling into the work buffer
      (local.set $n (i32.const 0))
      (local.set $p (local.get $start))
      (block $subDone (loop $sub
        (br_if $subDone (i32.ge_s (local.get $p) (local.get $end)))
        (local.set $w (i32.load (i32.add (global.get $ids) (i32.shl (local.get $p) (i32.const 2)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $kw (f32.load (i32.add (global.get $keep) (i32.shl (local.get $w) (i32.const 2)))))
        (if (f32.lt (local.get $kw) (f32.const 1)) (then
          (br_if $sub (f32.lt (local.get $kw) (call $unit)))))
        (i32.store (i32.add (global.get $work) (i32.shl (local.get $n) (i32.const 2))) (local.get $w))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $sub)))
      ;; 2. the learning rate, every lrUpdateRate tokens
      (local.set $since (i32.add (local.get $since) (i32.sub (local.get $end) (local.get $start))))
      (if (i32.ge_s (local.get $since) (global.get $lrUpdateRate)) (then
        (local.set $since (i32.const 0))
        (global.set $lr (f32.demote_f64 (f64.add (local.get $alphaStart)
          (f64.mul (f64.sub (local.get $alphaEnd) (local.get $alphaStart))
            (f64.div (f64.convert_i32_s (local.get $start))
              (f64.convert_i32_s (select (local.get $total) (i32.const 1) (i32.gt_s (local.get $total) (i32.const 1)))))))))))
      (local.set $start (local.get $end))
      (local.set $kept (i32.add (local.get $kept) (local.get $n)))

      ;; 3. every position of the sentence
      (local.set $i (i32.const 0))
      (block $posDone (loop $pos
        (br_if $posDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $w (call $workAt (local.get $i)))
        (local.set $b (i32.add (i32.const 1) (call $below (global.get $ws))))
        (local.set $lo (i32.sub (local.get $i) (local.get $b)))
        (if (i32.lt_s (local.get $lo) (i32.const 0)) (then (local.set $lo (i32.const 0))))
        (local.set $hi (i32.add (local.get $i) (local.get $b)))
        (if (i32.ge_s (local.get $hi) (local.get $n)) (then (local.set $hi (i32.sub (local.get $n) (i32.const 1)))))
        (if (i32.ne (local.get $hi) (local.get $lo)) (then
          (call $zero (global.get $hidden))
          (call $zero (global.get $grad))
          (if (i32.eqz (global.get $cbow))
            (then
              ;; skip-gram: the centre word's subwords predict each context word. After each context word hidden
              ;; moves by the gradient so far, as if that word's gradient had already been scattered; the rows
              ;; themselves get the window's gradient in one scatter at its end.
              (local.set $rows (call $addRows (local.get $w)))
              (call $scale (global.get $hidden) (f32.div (f32.const 1) (f32.convert_i32_s (local.get $rows))))
              (call $zero (global.get $hiddenStart))
              (call $add (global.get $hidden) (global.get $hiddenStart))
              (local.set $j (local.get $lo))
              (block $ctxDone (loop $ctx
                (br_if $ctxDone (i32.gt_s (local.get $j) (local.get $hi)))
                (if (i32.ne (local.get $j) (local.get $i)) (then
                  (call $predict (call $workAt (local.get $j)))
                  (call $sum (global.get $hiddenStart) (global.get $grad) (global.get $hidden))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $ctx)))
              (call $scatter (local.get $w)))
            (else
              ;; CBOW: the mean of every subword row of the window predicts the centre word
              (local.set $rows (i32.const 0))
              (local.set $j (local.get $lo))
              (block $sumDone (loop $sum
                (br_if $sumDone (i32.gt_s (local.get $j) (local.get $hi)))
                (if (i32.ne (local.get $j) (local.get $i)) (then
                  (local.set $rows (i32.add (local.get $rows) (call $addRows (call $workAt (local.get $j)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $sum)))
              (call $scale (global.get $hidden) (f32.div (f32.const 1) (f32.convert_i32_s (local.get $rows))))
              (call $predict (local.get $w))
              (local.set $j (local.get $lo))
              (block $spreadDone (loop $spread
                (br_if $spreadDone (i32.gt_s (local.get $j) (local.get $hi)))
                (if (i32.ne (local.get $j) (local.get $i)) (then (call $scatter (call $workAt (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $spread)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $pos)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (br $sentences)))
    (i32.store offset=100 (local.get $ctx) (global.get $rng))
    (f64.store offset=104 (local.get $ctx) (global.get $lossSum))
    (f64.store offset=112 (local.get $ctx) (global.get $lossCount))
    (local.get $kept))
)
