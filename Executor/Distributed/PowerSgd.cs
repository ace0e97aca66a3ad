using TorchSharp;
using ScalePlanner.Mpi;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// PowerSGD gradient compression of rank r with error feedback (Vogels et al. 2019, Algorithm 1 and §3). For each matrix
/// gradient M (n × m, plus the error E left by the previous step): P = (M + E)·Q is all-reduced and orthonormalised, Q = (M + E)ᵀ·P
/// is all-reduced and averaged, the gradient becomes P·Qᵀ and E keeps what it missed. Q is kept from step to step (warm start,
/// §3) and starts from the same seeded Gaussian on every replica. Vectors (biases, norm scales) are averaged uncompressed, as
/// PyTorch's PowerSGD hook does. All P of a step travel in one all-reduce, and all Q in another.
/// </summary>
public sealed class PowerSgd : IGradientAverager
{
    /// <summary>Seed of the initial Q, the same on every replica (any fixed value works; the paper starts from i.i.d. N(0, 1)).</summary>
    private const int QSeed = 7;

    private readonly Parameter[] matrices;
    private readonly Tensor[] q, error;
    private readonly GradientBuckets vectors;

    public PowerSgd(IReadOnlyList<Parameter> parameters, int rank, long bucketBytes)
    {
        matrices = [.. parameters.Where(p => p.dim() == 2)];
        vectors = new GradientBuckets(parameters.Where(p => p.dim() != 2), bucketBytes);
        var generator = new Generator(QSeed);
        q = [.. matrices.Select(p => randn([p.shape[1], Math.Min(rank, Math.Min(p.shape[0], p.shape[1]))], generator: generator))];
        error = [.. matrices.Select(p => zeros_like(p))];
    }

    public void AllReduceMean(OpenMpi mpi, nint group, int ranks)
    {
        vectors.AllReduceMean(mpi, group, ranks);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var m = matrices.Select((p, i) => p.grad! + error[i]).ToArray();
        var p = SumOver(mpi, group, [.. m.Select((mi, i) => mi.matmul(q[i]))]);
        p = [.. p.Select(pi => linalg.qr(pi).Q)];                                           // orthonormal columns
        var qNew = SumOver(mpi, group, [.. m.Select((mi, i) => mi.t().matmul(p[i]))]);
        for (int i = 0; i < matrices.Length; i++)
        {
            q[i].copy_(qNew[i].div_(ranks));
            var approximation = p[i].matmul(q[i].t());
            error[i].copy_(m[i] - approximation);
            matrices[i].grad!.copy_(approximation);
        }
    }

    /// <summary>The warm-started Q and the error feedback of every matrix: both carry over from step to step.</summary>
    public void Save(BinaryWriter writer)
    {
        foreach (var tensor in q.Concat(error)) tensor.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        using var noGrad = no_grad();
        foreach (var tensor in q.Concat(error))
        {
            using var loaded = Tensor.Load(reader);
            tensor.copy_(loaded);
        }
    }

    /// <summary>Sums each tensor over the group, all of them in one all-reduce of their concatenation.</summary>
    private static Tensor[] SumOver(OpenMpi mpi, nint group, Tensor[] tensors)
    {
        var flat = cat([.. tensors.Select(t => t.flatten())]);
        mpi.AllReduceSum(TensorMemory.Floats(flat), group);
        return FlatTensors.Views(flat, tensors);
    }
}
