#!/usr/bin/env bash
# GPT-3 175B on 1024 A100: dp=32,tp=4,pp=8,vp=3,sp=on,mb=2,zero=1,recompute=full,recomputeLayers=2 on 1024 × a100-sxm-80gb
# Written by scaleplan for Megatron-LM core_v0.15.3 (309ffca6a405), megatron/training/arguments.py. Data parallelism (32) follows from the 1024 devices;
# add your data, tokenizer (--tokenizer-type, which sets the vocabulary), learning rate and checkpoint options.
torchrun --nnodes 128 --nproc-per-node 8 pretrain_gpt.py \
  --num-layers 96 \
  --hidden-size 12288 \
  --num-attention-heads 96 \
  --ffn-hidden-size 49152 \
  --seq-length 2048 \
  --max-position-embeddings 2048 \
  --attention-backend flash \
  --micro-batch-size 2 \
  --global-batch-size 1536 \
  --train-iters 95368 \
  --tensor-model-parallel-size 4 \
  --pipeline-model-parallel-size 8 \
  --num-virtual-stages-per-pipeline-rank 3 \
  --sequence-parallel \
  --use-distributed-optimizer \
  --overlap-grad-reduce \
  --overlap-param-gather \
  --bf16 \
  --optimizer adam \
  --recompute-granularity full \
  --recompute-method block \
  --recompute-num-layers 2
