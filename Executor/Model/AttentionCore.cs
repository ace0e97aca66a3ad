using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// Causal attention over (B, nh, T, hs) queries, keys and values, as both the one-process attention and the tensor-parallel
/// block run it: LibTorch's fused scaled-dot-product kernel (FlashAttention-style), or the explicit softmax(qkᵀ/√d + mask)·v
/// path the 2021 kernels and the cost model's unfused path take. Grouped-query key/value heads are repeated to the query heads
/// first (Ainslie et al. 2023).
/// </summary>
public static class AttentionCore
{
    /// <summary>The additive causal mask of the explicit path (−∞ above the diagonal), or null for the fused kernel.</summary>
    public static Tensor? CausalMask(int sequenceLength, bool fused) => fused ? null : full(sequenceLength, sequenceLength, float.NegativeInfinity).triu(1);

    /// <summary>Each of the kvHeads key/value heads repeated for the heads/kvHeads query heads that share it.</summary>
    public static (Tensor K, Tensor V) SharedKeyValues(Tensor k, Tensor v, long heads)
    {
        long kvHeads = k.shape[1];
        return kvHeads == heads ? (k, v) : (k.repeat_interleave(heads / kvHeads, dim: 1), v.repeat_interleave(heads / kvHeads, dim: 1));
    }

    /// <summary>softmax(qkᵀ/√d + mask)·v over (B, nh, T, hs); <paramref name="mask"/> from <see cref="CausalMask"/>.</summary>
    public static Tensor Apply(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        long t = q.shape[2];
        return mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : (q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1])).add(mask[..(int)t, ..(int)t].to(q.device).to(q.dtype)).softmax(-1).matmul(v);
    }
}
