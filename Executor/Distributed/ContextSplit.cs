using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The positions one context-parallel rank holds of every sequence. The sequence is cut into 2·cp chunks and rank c keeps chunks
/// c and 2·cp − 1 − c, so under a causal mask every rank has the same attention work (Megatron-LM's load balancing for context
/// parallelism, get_batch_on_this_cp_rank). The two chunks lie in increasing order of position, so within the rank the local
/// sequence stays causal.
/// </summary>
public sealed record ContextSplit(int Ranks, int Rank, int Sequence)
{
    /// <summary>Tokens per chunk: T / (2·cp).</summary>
    public int Chunk => Sequence / (2 * Ranks);

    /// <summary>Tokens this rank holds: T / cp.</summary>
    public int Local => 2 * Chunk;

    /// <summary>Index of the later chunk this rank holds.</summary>
    public int LateChunk => 2 * Ranks - 1 - Rank;

    /// <summary>The positions of this rank's tokens in the whole sequence, (T/cp): its early chunk, then its late chunk.</summary>
    public Tensor Positions() => cat([arange(Rank * Chunk, (Rank + 1) * Chunk, dtype: int64), arange(LateChunk * Chunk, (LateChunk + 1) * Chunk, dtype: int64)]);

    /// <summary>This rank's columns (B, T/cp) of token ids or targets (B, T).</summary>
    public Tensor Take(Tensor rows) => Ranks == 1 ? rows : cat([rows.narrow(1, Rank * Chunk, Chunk), rows.narrow(1, LateChunk * Chunk, Chunk)], 1);
}
