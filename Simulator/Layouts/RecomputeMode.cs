namespace ScalePlanner.Simulator.Layouts;

/// <summary>
/// Activation recomputation: none; selective, the attention core only (Korthikanti et al. 2022, Megatron-LM
/// --recompute-granularity selective); full, every block from its input (--recompute-granularity full); ops, torchtitan's
/// per-operator selective checkpointing (FSDP stack only): matmul and attention outputs are kept, except every second matmul
/// of a block, and everything else is recomputed (pytorch/torchtitan parallelize_llama.py, _save_list and mm_count).
/// </summary>
public enum RecomputeMode { None, Selective, Full, Ops }
