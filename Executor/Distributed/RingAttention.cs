using ScalePlanner.Executor.Model;
using ScalePlanner.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Causal attention over a sequence split across the context-parallel ranks (ring attention, Liu et al. 2023), with Megatron-LM's
/// causal load balancing: rank c holds chunks c and 2·cp − 1 − c (<see cref="ContextSplit"/>), and keys and values travel around
/// the ring (<see cref="RingExchange"/>) while each rank attends to the block it holds. Step 0 is the rank's own block under the
/// causal mask; the block of an earlier rank (source below c) is seen whole by both local chunks through its early chunk only,
/// and the block of a later rank is seen only by the local late chunk, whole, so every step after the first does half the work
/// without a mask (as Megatron-LM's AttnFuncWithCPAndKVP2P schedules it). Partial results merge by their log-sum-exp (the online
/// softmax of Milakov &amp; Gimelshein 2018). As in FlashAttention-2 (Dao 2023, Algorithm 1), both products run in the layer's
/// precision and the softmax statistics, the partial outputs and their merge in fp32.
/// </summary>
public sealed class RingAttention(OpenMpi mpi, nint ring, ContextSplit split)
{
    /// <summary>One block's attention output (B, h, L, d) and the log-sum-exp of its scores (B, h, L, 1).</summary>
    private readonly record struct Partial(Tensor Out, Tensor Lse)
    {
        public Partial Rows(long first, long count) => new(Out.narrow(2, first, count), Lse.narrow(2, first, count));

        /// <summary>Both partials as one softmax over the union of their keys.</summary>
        public Partial With(Partial other)
        {
            var lse = logaddexp(Lse, other.Lse);
            return new Partial(Out * (Lse - lse).exp() + other.Out * (other.Lse - lse).exp(), lse);
        }
    }

    /// <summary>softmax(qkᵀ/√d + causal mask)·v for this rank's queries (B, h, T/cp, d) against the whole sequence's keys and values (B, hkv, T/cp, d) held around the ring.</summary>
    public Tensor Apply(Tensor q, Tensor k, Tensor v)
    {
        long half = split.Chunk, heads = q.shape[1], kvHeads = k.shape[1];
        var block = cat([k, v], 1);                                            // (B, 2·hkv, T/cp, d): one message per step
        var exchange = new RingExchange(mpi, ring, split.Rank, split.Ranks);
        Partial early = default, late = default;
        for (int step = 0; step < split.Ranks; step++)
        {
            var next = step < split.Ranks - 1 ? exchange.Start(block, step) : null;
            var (keys, values) = AttentionCore.SharedKeyValues(block.narrow(1, 0, kvHeads), block.narrow(1, kvHeads, kvHeads), heads);
            int source = (split.Rank - step + split.Ranks) % split.Ranks;
            if (step == 0)
            {
                var own = Attend(q, keys, values, causal: true);
                (early, late) = (own.Rows(0, half), own.Rows(half, half));
            }
            else if (source < split.Rank)
            {
                var seen = Attend(q, keys.narrow(2, 0, half), values.narrow(2, 0, half), causal: false);   // its early chunk precedes both of ours
                (early, late) = (early.With(seen.Rows(0, half)), late.With(seen.Rows(half, half)));
            }
            else late = late.With(Attend(q.narrow(2, half, half), keys, values, causal: false));           // only our late chunk follows both of its chunks
            if (next is null) continue;
            exchange.Wait();
            block = next;
        }
        return cat([early.Out, late.Out], 2).to(q.dtype);
    }

    private static Partial Attend(Tensor q, Tensor k, Tensor v, bool causal)
    {
        // The scale goes on the queries (B, h, Lq, d) rather than the scores (B, h, Lq, Lk), and softmax is one fused pass: each
        // pass over the scores saved is one fewer memory-bound operator in forward and in backward.
        var scores = (q / Math.Sqrt(q.shape[^1])).matmul(k.transpose(-2, -1)).to(float32);   // (B, h, Lq, Lk)
        if (causal) scores = scores.add(AttentionCore.CausalMask((int)scores.shape[^1], fused: false)!);
        return new Partial(scores.softmax(-1).to(v.dtype).matmul(v).to(float32), scores.logsumexp(-1, keepdim: true));
    }
}
