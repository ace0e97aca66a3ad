using ScalePlanner.Mpi;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Data-parallel gradient averaging that starts while backward runs, as PyTorch DDP does (Li et al. 2020, VLDB §3.2.3): during
/// the step's last backward, each unit of layers reports when its weight gradients are complete (<see cref="StageModel.UnitReady"/>),
/// its parameters join the open bucket, and a bucket that reaches <see cref="GradientBuckets.DefaultBucketBytes"/> is handed to
/// MPI_Iallreduce at once. Open MPI advances non-blocking collectives only inside MPI calls, so each later report also tests the
/// buckets in flight. After backward the rest (the embeddings, whose gradient completes last) goes out, every bucket is waited
/// for, divided by the group size and copied back.
/// </summary>
public sealed class OverlappedBuckets : IGradientAverager
{
    private readonly IReadOnlyList<IReadOnlyList<Parameter>> units;
    private readonly long bucketBytes;
    private readonly List<Parameter> open = [];
    private readonly List<(nint Request, Tensor Flat, Parameter[] Parameters)> inFlight = [];
    private readonly OpenMpi mpi;
    private readonly nint group;
    private readonly bool[] reported;
    private bool armed;
    private long openBytes;

    public OverlappedBuckets(StageModel stage, OpenMpi mpi, nint group, long bucketBytes = GradientBuckets.DefaultBucketBytes)
    {
        units = stage.Units();
        reported = new bool[units.Count];
        this.bucketBytes = bucketBytes;
        this.mpi = mpi;
        this.group = group;
        stage.UnitReady = Ready;
    }

    private double overlappedSeconds;
    private int startedInBackward;

    /// <summary>Buckets started while backward ran, and the seconds spent starting and advancing them there, since the last call.</summary>
    public (int Buckets, double Seconds) TakeOverlap()
    {
        var taken = (startedInBackward, overlappedSeconds);
        (startedInBackward, overlappedSeconds) = (0, 0);
        return taken;
    }

    public void BeforeLastBackward() => armed = true;

    private void Ready(int unit)
    {
        if (!armed) return;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        reported[unit] = true;
        foreach (var parameter in units[unit])
        {
            open.Add(parameter);
            openBytes += parameter.numel() * sizeof(float);
        }
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
        var flat = cat([.. open.Select(p => (p.grad ?? throw new InvalidOperationException("a parameter has no gradient after backward")).flatten())]);
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
            if (!reported[unit]) open.AddRange(units[unit]);
        }
        Launch();
        Array.Clear(reported);
        using var noGrad = no_grad();
        foreach (var (request, flat, parameters) in inFlight)
        {
            this.mpi.Wait(request);
            flat.div_(ranks);
            FlatTensors.CopyInto(flat, [.. parameters.Select(p => p.grad!)]);
            flat.Dispose();
        }
        inFlight.Clear();
        armed = false;
    }
}
