using ScalePlanner.Mpi;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Data-parallel gradient averaging in buckets, as PyTorch DDP does (Li et al. 2020, "PyTorch Distributed", VLDB §3.2.3):
/// parameters in reverse order (the order backward produces their gradients) are packed into flat buckets of at most
/// <see cref="DefaultBucketBytes"/>, and each bucket is summed over the group in one MPI_Allreduce and divided by the group size.
/// The reduction starts after backward: TorchSharp 0.107 exposes no per-tensor gradient hooks, so buckets cannot be launched
/// while backward is still running. With <c>bf16Wire</c> the bucket travels and is summed in bfloat16, as PyTorch's
/// bf16_compress_hook does: divided by the group size, cast, all-reduced, cast back.
/// </summary>
public sealed class GradientBuckets : IGradientAverager
{
    /// <summary>DDP's default <c>bucket_cap_mb</c> = 25 (PyTorch DistributedDataParallel documentation).</summary>
    public const long DefaultBucketBytes = 25L * 1024 * 1024;

    private readonly List<Parameter[]> buckets = [];
    private readonly bool bf16Wire;

    public GradientBuckets(IEnumerable<Parameter> parameters, long bucketBytes = DefaultBucketBytes, bool bf16Wire = false)
    {
        this.bf16Wire = bf16Wire;
        var current = new List<Parameter>();
        long bytes = 0;
        foreach (var parameter in parameters.Reverse())
        {
            long size = parameter.numel() * sizeof(float);
            if (current.Count > 0 && bytes + size > bucketBytes)
            {
                buckets.Add([.. current]);
                current.Clear();
                bytes = 0;
            }
            current.Add(parameter);
            bytes += size;
        }
        if (current.Count > 0) buckets.Add([.. current]);
    }

    public int Count => buckets.Count;

    /// <summary>Replaces every gradient by its mean over the <paramref name="ranks"/> ranks of <paramref name="group"/>.</summary>
    public void AllReduceMean(OpenMpi mpi, nint group, int ranks)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var bucket in buckets)
        {
            var gradients = bucket.Select(p => p.grad ?? throw new InvalidOperationException("a parameter has no gradient after backward")).ToArray();
            var flat = cat([.. gradients.Select(g => g.flatten())]).div_(ranks);
            if (bf16Wire)
            {
                var wire = flat.to(bfloat16);
                mpi.AllReduceSumBfloat16(TensorMemory.Bfloat16Bits(wire), group);
                flat = wire.to(float32);
            }
            else mpi.AllReduceSum(TensorMemory.Floats(flat), group);
            FlatTensors.CopyInto(flat, gradients);
        }
    }
}
