using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>Bytes one memory-bound pass moves per element: <c>PerElementSize</c> times the activation element size plus <c>Fixed</c> bytes (fp32 intermediates).</summary>
public readonly record struct PassBytes(double PerElementSize, double Fixed = 0)
{
    public double At(int elementBytes) => PerElementSize * elementBytes + Fixed;
}

/// <summary>
/// The memory-bound kernels of one block as the stack's code runs them: bytes per element of each pass, kernels launched, and
/// the operators the host dispatches per block (forward; the backward dispatches about as many autograd nodes). Fused is
/// Megatron-Core with Transformer Engine, and blocks compiled with torch.compile; Eager is PyTorch modules run op by op, as
/// torchtitan's Llama (pytorch/torchtitan torchtitan/models/llama3/model/model.py, commit 018740b7) and Hugging Face models
/// under FSDP or DeepSpeed run without compilation.
/// </summary>
public sealed record KernelRecipe
{
    public required string Name { get; init; }
    /// <summary>RMSNorm forward and backward; LayerNorm is one native kernel in every stack (PyTorch native_layer_norm), read x write y, backward read x and dy write dx.</summary>
    public required PassBytes RmsNormForward { get; init; }
    public required PassBytes RmsNormBackward { get; init; }
    public required int RmsNormForwardKernels { get; init; }
    public required int RmsNormBackwardKernels { get; init; }
    /// <summary>SwiGLU per element of the FFN width: silu(a)·b forward, and its backward.</summary>
    public required PassBytes SwigluForward { get; init; }
    public required PassBytes SwigluBackward { get; init; }
    public required int SwigluKernels { get; init; }
    /// <summary>Rotary embedding per element of q and k, forward (the backward rotates back at the same cost).</summary>
    public required PassBytes Rotary { get; init; }
    public required int RotaryKernels { get; init; }
    /// <summary>Extra passes around the attention core per element of q (and of k, v for the key/value copies): head repetition and transposes.</summary>
    public required PassBytes AttentionLayout { get; init; }
    /// <summary>Whether grouped-query keys and values are materialised at the query head count before the kernel (torchtitan's repeat_kv).</summary>
    public required bool RepeatsKeyValues { get; init; }
    /// <summary>Cross-entropy per logit on one rank without tensor parallelism, forward and backward.</summary>
    public required PassBytes CrossEntropyForward { get; init; }
    public required PassBytes CrossEntropyBackward { get; init; }
    /// <summary>Operators the host dispatches per block forward (views included: each costs a dispatcher round).</summary>
    public required int HostOperatorsPerBlock { get; init; }

    /// <summary>
    /// Megatron-Core with Transformer Engine: fused RMSNorm/LayerNorm (read x, write y), fused bias-SwiGLU (read 2, write 1;
    /// backward read 3, write 2), fused RoPE (read and write q, k in place), fused cross-entropy over fp32 logits (read the
    /// logits, write fp32 log-probabilities), no head repetition (the flash kernel takes grouped heads). Host operators: TE's
    /// LayerNormLinear, rope, attention, Linear, bias-dropout-add, LayerNormMLP and the views between them, ≈ 20 per block
    /// (megatron/core/transformer/transformer_layer.py with the TE layer spec).
    /// </summary>
    public static readonly KernelRecipe Fused = new()
    {
        Name = "fused",
        RmsNormForward = new(2), RmsNormBackward = new(3), RmsNormForwardKernels = 1, RmsNormBackwardKernels = 1,
        SwigluForward = new(3), SwigluBackward = new(5), SwigluKernels = 1,
        Rotary = new(2), RotaryKernels = 1,
        AttentionLayout = new(0), RepeatsKeyValues = false,
        CrossEntropyForward = new(1, 8), CrossEntropyBackward = new(1, 4),
        HostOperatorsPerBlock = 20,
    };

    /// <summary>
    /// PyTorch eager, as torchtitan's Llama block is written: nn.RMSNorm's composite (pow, mean, add, rsqrt, two multiplies over
    /// the tensor: read x, write fp32 squares, read them, read x, write x·rstd, read it, write y·w ≈ 5e + 8 bytes; its autograd
    /// backward ≈ 12e + 8 over six kernels), F.silu(w1 x)·w3 x (silu read a write s, mul read s and b write y: 5e; backward 8e),
    /// complex RoPE (x.float() read e write 4, complex multiply read 4 write 4, type_as read 4 write e: 2e + 12, three kernels),
    /// repeat_kv materialising keys and values at the query head count, the .transpose(1, 2).contiguous() copy of the attention
    /// output (read e, write e), cross-entropy over logits cast to fp32 (cast read e write 4, log-softmax read 4 write 4: e + 12;
    /// backward read 8 write 4, cast back read 4 write e: e + 16). Host operators counted in that file: ≈ 45 per block forward.
    /// </summary>
    public static readonly KernelRecipe Eager = new()
    {
        Name = "eager",
        RmsNormForward = new(5, 8), RmsNormBackward = new(12, 8), RmsNormForwardKernels = 4, RmsNormBackwardKernels = 6,
        SwigluForward = new(5), SwigluBackward = new(8), SwigluKernels = 2,
        Rotary = new(2, 12), RotaryKernels = 3,
        AttentionLayout = new(2), RepeatsKeyValues = true,
        CrossEntropyForward = new(1, 12), CrossEntropyBackward = new(1, 16),
        HostOperatorsPerBlock = 45,
    };

    /// <summary>
    /// torch.compile'd blocks (Inductor): element-wise chains fused as Transformer Engine fuses them, so the fused kernel bytes;
    /// the compiled graph launches its kernels from one wrapper, ≈ 10 host operators per block (Ansel et al. ASPLOS 2024, §5).
    /// </summary>
    public static readonly KernelRecipe Compiled = Fused with { Name = "compiled", HostOperatorsPerBlock = 10 };

    public static KernelRecipe Of(TrainingSpec training) => training.KernelsInEffect switch
    {
        KernelSet.Fused => Fused,
        KernelSet.Compiled => Compiled,
        _ => Eager,
    };
}
