#!/usr/bin/env bash
# Llama 2 7B on 64 A100 40GB: dp=64,mb=2,zero=3,recompute=full on 64 × a100-sxm-40gb
# Written by scaleplan for DeepSpeed v0.16.4 (38327e07f6cd), docs/_pages/config-json.md; launcher options from docs/_tutorials/getting-started.md.
# Add the optimizer's params (lr, betas, weight_decay) and a scheduler; with recompute=full, wrap each block in deepspeed.checkpointing.checkpoint.
cat > ds_config.json <<'JSON'
{
  "train_batch_size": 1024,
  "train_micro_batch_size_per_gpu": 2,
  "gradient_accumulation_steps": 8,
  "optimizer": {
    "type": "AdamW"
  },
  "zero_optimization": {
    "stage": 3,
    "overlap_comm": true
  },
  "bf16": {
    "enabled": true
  },
  "activation_checkpointing": {
    "partition_activations": false,
    "contiguous_memory_optimization": false
  }
}
JSON
deepspeed --num_nodes=8 --num_gpus=8 train.py --deepspeed --deepspeed_config ds_config.json
