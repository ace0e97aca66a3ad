using ScalePlanner.Mpi;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Data-parallel gradient averaging that starts while backward runs, as PyTorch DDP does (Li et al. 2020, VLDB §3.2.3): during
/// each model chunk's last backward of the step, each unit of layers reports when its weight gradients are complete
/// (<see cref="IUnitHooks"/>), its fp32 main gradients join the open bucket, and a bucket that reaches the bucket size is handed
/// to MPI_Iallreduce at once. Open MPI advances non-blocking collectives only inside MPI calls, so each later report also tests
/// the buckets in flight. After backward the rest (the embeddings, whose gradient completes last, and the gradients that are
/// summed first) goes out, every bucket is waited for, divided by the group size and copied back.
/// </summary>
public sealed class OverlappedBuckets : IGradientAverager
{
    private readonly IReadOnlyList<(int Chunk, ModelUnit Unit)> units;
    private readonly RankParameters rank;
    private readonly long bucketBytes;
    private readonly List<int> open = [];
    private readonly List<(nint Request, Tensor Flat, int[] Members)> inFlight = [];
    private readonly OpenMpi mpi;
    private readonly nint group;
    private readonly bool[] reported, armed;
    private long openBytes;
    private double overlappedSeconds;
    private int startedInBackward;

    public OverlappedBuckets(RankModel model, RankParameters rank, OpenMpi mpi, nint group, long bucketBytes = GradientBuckets.DefaultBucketBytes)
    {
        units = model.Units();
        this.rank = rank;
        reported = new bool[units.Count];
        armed = new bool[model.Chunks.Count];
        this.bucketBytes = bucketBytes;
        this.mpi = mpi;
        this.group = group;
        for (int c = 0; c < model.Chunks.Count; c++) model.Chunks[c].Hooks = new Reports(this, c);
    }

    /// <summary>Hooks of one chunk: the backward of each unit's input reports that unit, by its index among the rank's units.</summary>
    private sealed class Reports(OverlappedBuckets owner, int chunk) : IUnitHooks
    {
        private readonly int first = owner.units.TakeWhile(u => u.Chunk != chunk).Count();

        public Tensor Entering(int unit, Tensor x) => TwoWay.Of(x, input => input.clone(), gradient =>
        {
            owner.Ready(chunk, first + unit);
            return gradient;
        });

        public Tensor Leaving(int unit, Tensor y) => y;
    }

    /// <summary>Buckets started while backward ran, and the seconds spent starting and advancing them there, since the last call.</summary>
    public (int Buckets, double Seconds) TakeOverlap()
    {
        var taken = (startedInBackward, overlappedSeconds);
        (startedInBackward, overlappedSeconds) = (0, 0);
        return taken;
    }

    public void BeforeLastBackward(int chunk) => armed[chunk] = true;

    private void Ready(int chunk, int unit)
    {
        if (!armed[chunk]) return;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        reported[unit] = true;
        var members = units[unit].Unit.Parameters;
        rank.Widen(members);
        open.AddRange(members);
        openBytes += members.Sum(i => rank.Main[i].numel() * sizeof(float));
        if (openBytes >= bucketBytes)
        {
            Launch();
            startedInBackward++;
        }
        for (int i = 0; i < inFlight.Count; i++)
        {
            var request = inFlight[i].Request;
            mpi.Test(ref request);
            inFlight[i] = inFlight[i] with { Request = request };
        }
        overlappedSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private void Launch()
    {
        if (open.Count == 0) return;
        using var noGrad = no_grad();
        var flat = cat([.. open.Select(i => rank.MainGradient(i).flatten())]);
        flat.DetachFromDisposeScope();
        inFlight.Add((mpi.StartAllReduceSum(TensorMemory.Floats(flat), group), flat, [.. open]));
        open.Clear();
        openBytes = 0;
    }

    /// <remarks>Uses the communicator given at construction, which the units' reports already started reductions on.</remarks>
    public void AllReduceMean(OpenMpi mpi, nint group, int ranks)
    {
        // Units that never reported (the embeddings, whose gradient completes last, or all when backward was not armed) go out now.
        for (int unit = 0; unit < units.Count; unit++)
        {
            if (!reported[unit]) open.AddRange(units[unit].Unit.Parameters);
        }
        Launch();
        Array.Clear(reported);
        Array.Clear(armed);
        using var noGrad = no_grad();
        foreach (var (request, flat, members) in inFlight)
        {
            this.mpi.Wait(request);
            flat.div_(ranks);
            FlatTensors.CopyInto(flat, [.. members.Select(rank.MainGradient)]);
            flat.Dispose();
        }
        inFlight.Clear();
    }
}
