using ScalePlanner.Mpi;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// A rank's parameters laid end to end, unit after unit, in one flat fp32 buffer padded to R equal blocks, of which replica r
/// keeps block r (ZeRO, Rajbhandari et al. SC20 §5; DeepSpeed's flat partition): the block's fp32 main weights, which the
/// optimizer updates (its state is ⌈N/R⌉ elements), their gradient summed over the replicas, and which elements count in the
/// global norm. A unit's gradients are reduce-scattered as soon as they are complete (MPI_Ireduce_scatter with each replica's
/// share of the unit's stretch) and added up over micro-batches; a unit's weights come back by all-gather (MPI_Iallgatherv) in
/// the format the model computes in.
/// </summary>
public sealed class FlatShard : IDisposable
{
    private readonly int replicas, replica;
    private readonly long[] starts;
    private readonly int[][] counts, displacements;

    /// <param name="units">The units' parameters (indices into the rank's), in the order they are laid out.</param>
    /// <param name="values">The rank's parameters in fp32 (before the model turns to a half format): the master weights start from them.</param>
    /// <param name="countsInNorm">Per rank parameter, whether it counts in this rank's share of the global norm.</param>
    public FlatShard(IReadOnlyList<IReadOnlyList<int>> units, IReadOnlyList<Tensor> values, IReadOnlyList<bool> countsInNorm, int replicas, int replica)
    {
        (this.replicas, this.replica) = (replicas, replica);
        Units = units;
        starts = new long[units.Count + 1];
        for (int u = 0; u < units.Count; u++) starts[u + 1] = starts[u] + units[u].Sum(i => values[i].numel());
        long at = 0;
        Tensors = [.. units.SelectMany(m => m).Select(i => (Start: (at += values[i].numel()) - values[i].numel(), Shape: values[i].shape))];
        Length = (starts[^1] + replicas - 1) / replicas;
        counts = new int[units.Count][];
        displacements = new int[units.Count][];
        for (int u = 0; u < units.Count; u++) (counts[u], displacements[u]) = Shares(u);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var members = units.SelectMany(m => m).ToList();
        Master = new Parameter(Flat(members.Select(i => values[i])).narrow(0, replica * Length, Length).clone().DetachFromDisposeScope());
        Master.grad = zeros_like(Master).DetachFromDisposeScope();
        Counted = Flat(members.Select(i => countsInNorm[i] ? ones_like(values[i]) : zeros_like(values[i]))).narrow(0, replica * Length, Length).clone().DetachFromDisposeScope();
    }

    public IReadOnlyList<IReadOnlyList<int>> Units { get; }

    /// <summary>Where each parameter starts in the flat buffer and its shape, in layout order.</summary>
    public IReadOnlyList<(long Start, long[] Shape)> Tensors { get; }

    /// <summary>Index of this replica's first element in the flat buffer: r·<see cref="Length"/>.</summary>
    public long BlockStart => replica * Length;

    /// <summary>Elements of this replica's block: ⌈parameters / R⌉.</summary>
    public long Length { get; }

    /// <summary>Elements of unit <paramref name="u"/>'s stretch of the flat buffer.</summary>
    public long UnitLength(int u) => starts[u + 1] - starts[u];

    /// <summary>This replica's block of the main weights; its gradient is the block's gradient summed over replicas and micro-batches.</summary>
    public Parameter Master { get; }

    /// <summary>1 where an element of the block counts in the global gradient norm, 0 where another rank counts it (or padding).</summary>
    public Tensor Counted { get; }

    /// <summary>Each replica's share of unit <paramref name="u"/>'s stretch [a, b): its intersection with [r·L, (r + 1)·L), where it starts within the stretch. Pinned: MPI reads them while an operation runs.</summary>
    private (int[] Counts, int[] Displacements) Shares(int u)
    {
        var shareCounts = GC.AllocateArray<int>(replicas, pinned: true);
        var shareStarts = GC.AllocateArray<int>(replicas, pinned: true);
        for (int r = 0; r < replicas; r++)
        {
            long from = Math.Max(starts[u], r * Length), to = Math.Min(starts[u + 1], (r + 1) * Length);
            shareCounts[r] = (int)Math.Max(0, to - from);
            shareStarts[r] = (int)Math.Clamp(from - starts[u], 0, UnitLength(u));
        }
        return (shareCounts, shareStarts);
    }

    /// <summary>Where this replica's share of unit <paramref name="u"/> lies in its block.</summary>
    private (long Offset, int Count) Mine(int u) => (Math.Clamp(starts[u] - replica * Length, 0, Length), counts[u][replica]);

    /// <summary>Flat fp32 copy of <paramref name="tensors"/> padded to R equal blocks.</summary>
    private Tensor Flat(IEnumerable<Tensor> tensors)
    {
        var flat = cat([.. tensors.Select(t => t.detach().to(float32).flatten())]);
        return flat.numel() == Length * replicas ? flat : cat([flat, zeros(Length * replicas - flat.numel())]);
    }

    /// <summary>
    /// Starts summing unit <paramref name="u"/>'s gradients (widened to fp32; partial ones first summed over the tensor group)
    /// over the replicas; <see cref="PendingScatter.Finish"/> adds this replica's share to its block's gradient.
    /// </summary>
    /// <param name="bf16Wire">The gradients travel and are summed in bfloat16 (compress=bf16, as PyTorch's bf16_compress_hook).</param>
    public PendingScatter StartScatter(int u, OpenMpi mpi, nint group, RankParameters rank, bool bf16Wire = false)
    {
        var sent = cat([.. Units[u].Select(i => (rank.Working[i].grad ?? throw new InvalidOperationException("a parameter has no gradient after backward")).detach().to(float32).flatten())]);
        rank.SumPartials(sent, Units[u]);
        var (offset, count) = Mine(u);
        if (bf16Wire) sent = sent.to(bfloat16);
        var received = empty(Math.Max(1, count), dtype: sent.dtype);
        sent.DetachFromDisposeScope();   // in flight beyond the caller's scope until Finish
        received.DetachFromDisposeScope();
        nint request = bf16Wire
            ? mpi.StartReduceScatterSumBfloat16(TensorMemory.Bfloat16Bits(sent), TensorMemory.Bfloat16Bits(received)[..count], counts[u], group)
            : mpi.StartReduceScatterSum(TensorMemory.Floats(sent), TensorMemory.Floats(received)[..count], counts[u], group);
        return new PendingScatter(request, () =>
        {
            using (no_grad()) Master.grad!.narrow(0, offset, count).add_(received.narrow(0, 0, count).to(float32));
            sent.Dispose();
            received.Dispose();
        });
    }

    /// <summary>Starts gathering unit <paramref name="u"/>'s weights, rounded to <paramref name="into"/>'s format, into <paramref name="into"/> (at least the unit's length); the buffer sent joins <paramref name="sending"/>.</summary>
    public nint StartGather(int u, OpenMpi mpi, nint group, Tensor into, List<Tensor> sending)
    {
        var (offset, count) = Mine(u);
        var sent = Master.detach().narrow(0, offset, count).to(into.dtype).contiguous();
        sent.DetachFromDisposeScope();   // in flight beyond the caller's scope; disposed once the gather is done
        sending.Add(sent);
        return into.dtype == ScalarType.Float32
            ? mpi.StartAllGather<float>(TensorMemory.Floats(sent), TensorMemory.Floats(into), counts[u], displacements[u], group)
            : mpi.StartAllGather<ushort>(TensorMemory.HalfBits(sent), TensorMemory.HalfBits(into), counts[u], displacements[u], group);
    }

    /// <summary>Gathers unit <paramref name="u"/>'s updated weights and copies them into the model's parameters (blocking).</summary>
    public void GatherIntoModel(int u, OpenMpi mpi, nint group, RankParameters rank)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var working = Units[u].Select(i => rank.Working[i]).ToList();
        var gathered = empty(UnitLength(u), dtype: working[0].dtype);
        var sending = new List<Tensor>();
        mpi.Wait(StartGather(u, mpi, group, gathered, sending));
        sending.ForEach(sent => sent.Dispose());
        FlatTensors.CopyInto(gathered, working);
    }

    public void Dispose()
    {
        Master.Dispose();
        Counted.Dispose();
    }
}

/// <summary>A reduce-scatter in flight, and what to do with its result once it has arrived.</summary>
public sealed class PendingScatter(nint request, Action arrived)
{
    private nint request = request;

    /// <summary>Lets Open MPI advance it (it progresses only inside MPI calls).</summary>
    public void Advance(OpenMpi mpi) => mpi.Test(ref request);

    /// <summary>Waits for the reduction and adds the received share to the block's gradient.</summary>
    public void Finish(OpenMpi mpi)
    {
        mpi.Wait(request);
        arrived();
    }
}
