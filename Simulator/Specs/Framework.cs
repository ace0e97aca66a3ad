namespace ScalePlanner.Simulator.Specs;

/// <summary>
/// The software stack that runs a step: which kernels it fuses, how it shards model state and how it communicates.
/// Megatron-LM (Megatron-Core with Transformer Engine), PyTorch FSDP/FSDP2 as torchtitan and llm-foundry run it, and DeepSpeed's ZeRO.
/// </summary>
public enum Framework { Megatron, Fsdp, DeepSpeed }

/// <summary>
/// The attention kernel of a run's era: the unfused 2021 kernels that write the s×s scores to memory, FlashAttention
/// (Dao et al. 2022), FlashAttention-2 (Dao 2023), FlashAttention-3 (Shah et al. 2024, Hopper) and FlashAttention-4 (Blackwell).
/// </summary>
public enum AttentionKernel { Unfused, Flash1, Flash2, Flash3, Flash4 }

/// <summary>
/// The memory-bound kernels a stack runs: fused (Megatron-Core with Transformer Engine, or hand-fused CUDA kernels), eager
/// (PyTorch modules op by op) or compiled (torch.compile's Inductor fusing element-wise chains).
/// </summary>
public enum KernelSet { Fused, Eager, Compiled }

/// <summary>
/// Megatron-Core's MoE token dispatchers: all-to-all sends each token only to the ranks of its experts; all-gather gives every
/// expert rank all tokens of the expert group and reduce-scatters the outputs back.
/// </summary>
public enum MoeDispatcher { AllToAll, AllGather }

public static class StackKeys
{
    public static readonly IReadOnlyDictionary<string, MoeDispatcher> MoeDispatchers = new Dictionary<string, MoeDispatcher>
    {
        ["alltoall"] = MoeDispatcher.AllToAll, ["allgather"] = MoeDispatcher.AllGather,
    };

    public static readonly IReadOnlyDictionary<string, Framework> Frameworks = new Dictionary<string, Framework>
    {
        ["megatron"] = Framework.Megatron, ["fsdp"] = Framework.Fsdp, ["deepspeed"] = Framework.DeepSpeed,
    };

    public static readonly IReadOnlyDictionary<string, AttentionKernel> AttentionKernels = new Dictionary<string, AttentionKernel>
    {
        ["unfused"] = AttentionKernel.Unfused, ["flash1"] = AttentionKernel.Flash1, ["flash2"] = AttentionKernel.Flash2, ["flash3"] = AttentionKernel.Flash3, ["flash4"] = AttentionKernel.Flash4,
    };

    public static readonly IReadOnlyDictionary<string, KernelSet> KernelSets = new Dictionary<string, KernelSet>
    {
        ["fused"] = KernelSet.Fused, ["eager"] = KernelSet.Eager, ["compiled"] = KernelSet.Compiled,
    };

    public static string Key(this Framework framework) => Frameworks.First(pair => pair.Value == framework).Key;

    public static string Key(this AttentionKernel kernel) => AttentionKernels.First(pair => pair.Value == kernel).Key;

    public static string Key(this KernelSet kernels) => KernelSets.First(pair => pair.Value == kernels).Key;
}
