using ScalePlanner.Mpi;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// ZeRO-3 as FSDP runs it (Rajbhandari et al. SC20 §5.3; Zhao et al. 2023, "PyTorch FSDP", §3.2): each transformer block's
/// weights live only as this replica's block of a <see cref="FlatShard"/>. Just before a block's forward, and again just before
/// its backward, its weights are all-gathered into one of two block-sized buffers that every block shares (the block's
/// parameters are views into that buffer), and the next block's gather (forward) or the previous block's (backward) is started
/// at once, FSDP's forward and backward prefetch, so it runs under this block's compute. Consecutive blocks take alternate
/// buffers, so at most two blocks' weights exist at a time, as the cost model assumes. As soon as a block's backward has produced
/// its weight gradients, they are reduce-scattered into the shard and freed. The buffers are written through MPI only, which
/// leaves autograd's version counters alone: the weights a block saved for backward are the buffer's, gathered again in time.
/// </summary>
public sealed class GatheredBlocks : IDisposable
{
    private readonly OpenMpi mpi;
    private readonly nint group;
    private readonly FlatShard shard;
    private readonly int[] blocks;
    private readonly Dictionary<(int Chunk, int Unit), int> blockOf = [];
    private readonly int[] chunkOf;
    private readonly Tensor[] slots;
    private readonly int[] held = [-1, -1];
    private readonly nint[] requests = [0, 0];
    private readonly List<Tensor> sending = [];
    private readonly bool prefetch;
    private readonly Action<int> gradientsReady;

    /// <param name="blockUnits">Each block's chunk, unit index within the chunk and unit index in <paramref name="shard"/>, in forward order.</param>
    /// <param name="gradientsReady">Called with a block's unit in <paramref name="shard"/> once its weight gradients are complete in backward (reduce-scatter them, free them).</param>
    public GatheredBlocks(RankModel model, RankParameters rank, OpenMpi mpi, nint group, FlatShard shard, IReadOnlyList<(int Chunk, int Unit, int ShardUnit)> blockUnits,
        bool prefetch, Action<int> gradientsReady)
    {
        this.mpi = mpi;
        this.group = group;
        this.shard = shard;
        this.prefetch = prefetch;
        this.gradientsReady = gradientsReady;
        blocks = [.. blockUnits.Select(b => b.ShardUnit)];
        chunkOf = [.. blockUnits.Select(b => b.Chunk)];
        for (int b = 0; b < blockUnits.Count; b++) blockOf[(blockUnits[b].Chunk, blockUnits[b].Unit)] = b;
        long size = blocks.Length == 0 ? 0 : blocks.Max(shard.UnitLength);
        var dtype = rank.Working[0].dtype;
        slots = [zeros(size, dtype: dtype), zeros(size, dtype: dtype)];
        Bind(rank);
        for (int c = 0; c < model.Chunks.Count; c++) model.Chunks[c].Hooks = new Hooks(this, c);
    }

    /// <summary>Weights gathered since the last step are stale once the optimizer has stepped.</summary>
    public void Invalidate()
    {
        for (int s = 0; s < 2; s++) Settle(s);
        Array.Fill(held, -1);
    }

    /// <summary>Every block parameter becomes a view into its buffer (block b in buffer b mod 2), at the offset its shard lays it out.</summary>
    private void Bind(RankParameters rank)
    {
        using var noGrad = no_grad();
        for (int b = 0; b < blocks.Length; b++)
        {
            long offset = 0;
            foreach (int i in shard.Units[blocks[b]])
            {
                var parameter = rank.Working[i];
                long n = parameter.numel();
                parameter.set_(slots[b % 2].narrow(0, offset, n).view(parameter.shape));
                offset += n;
            }
        }
    }

    private sealed class Hooks(GatheredBlocks owner, int chunk) : IUnitHooks
    {
        public Tensor Entering(int unit, Tensor x)
        {
            if (!owner.blockOf.TryGetValue((chunk, unit), out int b)) return x;
            owner.Ensure(b);
            owner.Prefetch(b + 1, b);
            return TwoWay.Of(x, input => input.clone(), gradient =>
            {
                owner.gradientsReady(owner.blocks[b]);                   // this block's weight gradients are complete
                return gradient;
            });
        }

        public Tensor Leaving(int unit, Tensor y)
        {
            if (!owner.blockOf.TryGetValue((chunk, unit), out int b)) return y;
            return TwoWay.Of(y, output => output.clone(), gradient =>
            {
                owner.Ensure(b);                                          // this block's backward is about to start
                owner.Prefetch(b - 1, b);
                return gradient;
            });
        }
    }

    /// <summary>Block <paramref name="b"/>'s weights in its buffer: already there, arriving (wait), or gathered now.</summary>
    private void Ensure(int b)
    {
        int s = b % 2;
        if (held[s] != b)
        {
            Settle(s);
            Start(b);
        }
        Settle(s);
    }

    /// <summary>Starts gathering block <paramref name="b"/> ahead of its use when it runs next in the chunk of block <paramref name="running"/>.</summary>
    private void Prefetch(int b, int running)
    {
        for (int s = 0; s < 2; s++)
        {
            if (requests[s] != 0) mpi.Test(ref requests[s]);      // Open MPI advances non-blocking collectives inside MPI calls
        }
        if (!prefetch || b < 0 || b >= blocks.Length || chunkOf[b] != chunkOf[running] || held[b % 2] == b) return;
        Settle(b % 2);
        Start(b);
    }

    private void Start(int b)
    {
        int s = b % 2;
        held[s] = b;
        requests[s] = shard.StartGather(blocks[b], mpi, group, slots[s], sending);
    }

    private void Settle(int s)
    {
        if (requests[s] != 0) mpi.Wait(requests[s]);
        requests[s] = 0;
        if (requests[0] == 0 && requests[1] == 0)
        {
            foreach (var buffer in sending) buffer.Dispose();
            sending.Clear();
        }
    }

    public void Dispose()
    {
        Invalidate();
        foreach (var slot in slots) slot.Dispose();
    }
}
