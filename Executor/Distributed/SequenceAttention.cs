using ScalePlanner.Executor.Model;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// How one rank's blocks attend over the tokens they hold: the whole sequence at positions 0 … T − 1 (LibTorch's fused kernel or
/// the explicit masked softmax, <see cref="AttentionCore"/>), or with context parallelism this rank's two chunks of it at their
/// own positions (<see cref="ContextSplit"/>), attending around the ring (<see cref="RingAttention"/>).
/// </summary>
public sealed class SequenceAttention
{
    private readonly Tensor? mask, positions;
    private readonly RingAttention? ring;

    private SequenceAttention(Tensor? mask, Tensor? positions, RingAttention? ring) => (this.mask, this.positions, this.ring) = (mask, positions, ring);

    public static SequenceAttention Whole(int sequence, bool fused) => new(AttentionCore.CausalMask(sequence, fused), null, null);

    public static SequenceAttention Context(RingAttention ring, ContextSplit split) => new(null, split.Positions(), ring);

    /// <summary>The positions of the <paramref name="tokens"/> tokens held, for the learned position embedding.</summary>
    public Tensor Positions(long tokens) => positions ?? arange(tokens, dtype: int64);

    /// <summary>Rotary position embedding of (B, heads, T, d) queries or keys at the positions held.</summary>
    public Tensor Rotate(Rotary rotary, Tensor x) => positions is null ? rotary.Apply(x) : rotary.Apply(x, positions);

    /// <summary>Causal attention of (B, h, T, d) queries over (B, hkv, T, d) keys and values → (B, h, T, d).</summary>
    public Tensor Attend(Tensor q, Tensor k, Tensor v)
    {
        if (ring is not null) return ring.Apply(q, k, v);
        var (keys, values) = AttentionCore.SharedKeyValues(k, v, q.shape[1]);
        return AttentionCore.Apply(q, keys, values, mask);
    }
}
