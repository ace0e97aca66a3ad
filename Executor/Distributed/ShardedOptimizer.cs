using TorchSharp;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// ZeRO stage 1 (Rajbhandari et al. SC20, §5.1): the optimizer state is split across the data-parallel replicas. The rank's
/// parameters are laid end to end in one flat buffer, padded to a multiple of dp; each step the flat gradient is summed and
/// scattered (MPI_Reduce_scatter_block) so replica d holds the mean gradient of block d only, the optimizer updates that block
/// (its state is 1/dp of the unsharded one), and the updated blocks are gathered back into every replica's weights
/// (MPI_Allgather). Only elementwise rules shard this way (SGD, Adam, AdamW): LAMB and Adafactor need whole-tensor statistics.
/// </summary>
public sealed class ShardedOptimizer : IReplicaUpdate
{
    private readonly Parameter[] parameters;
    private readonly ProcessGrid grid;
    private readonly long shard, padded;
    private readonly Parameter block;
    private readonly Tensor counted;
    private readonly StepOptimizer optimizer;

    /// <param name="countsInNorm">Per parameter, in order: whether its gradient counts towards the global norm on this rank.</param>
    public ShardedOptimizer(IReadOnlyList<Parameter> parameters, IReadOnlyList<bool> countsInNorm, ProcessGrid grid, OptimizerKind kind, double learningRate, double weightDecay)
    {
        if (kind is not (OptimizerKind.Sgd or OptimizerKind.Adam or OptimizerKind.AdamW))
            throw new Simulator.Specs.SpecException("layout.optimizer", $"ZeRO-1 shards a flat buffer, which {kind.ToString().ToLowerInvariant()} cannot update piecewise; allowed with zero=1: sgd adam adamw");
        this.parameters = [.. parameters];
        this.grid = grid;
        long total = parameters.Sum(p => p.numel());
        shard = (total + grid.DataParallel - 1) / grid.DataParallel;
        padded = shard * grid.DataParallel;
        using var noGrad = no_grad();
        block = new Parameter(Flat(parameters).narrow(0, grid.DataRank * shard, shard).clone());
        counted = Flat([.. parameters.Zip(countsInNorm, (p, counts) => counts ? ones_like(p) : zeros_like(p))]).narrow(0, grid.DataRank * shard, shard).clone();
        block.grad = zeros_like(block);
        optimizer = new StepOptimizer(kind, [block], learningRate, weightDecay);
    }

    /// <summary>Elements whose optimizer state this rank keeps: ⌈parameters / dp⌉.</summary>
    public long OptimizerElements => shard;

    /// <summary>Flat copy of the tensors, zero-padded to dp equal blocks.</summary>
    private Tensor Flat(IEnumerable<Tensor> tensors)
    {
        var flat = cat([.. tensors.Select(t => t.detach().flatten())]);
        return flat.numel() == padded ? flat : cat([flat, zeros(padded - flat.numel())]);
    }

    /// <summary>
    /// Reduce-scatters the gradients, clips by the global norm (Pascanu et al. 2013; ε as in PyTorch's clip_grad_norm_), steps the
    /// optimizer on this rank's block and all-gathers the weights. Returns the norm and the seconds spent in the two collectives.
    /// </summary>
    public (double Norm, double ReduceSeconds, double GatherSeconds) Step(double learningRate, double clip, double epsilon)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var gradients = Flat(parameters.Select(p => p.grad ?? throw new InvalidOperationException("a parameter has no gradient after backward")));
        var mine = empty(shard);
        grid.Mpi.ReduceScatterSum(TensorMemory.Floats(gradients), TensorMemory.Floats(mine), grid.DataGroup);
        mine.div_(grid.DataParallel);
        double scatter = clock.Elapsed.TotalSeconds;

        // Each element is counted once in the world: replicas hold disjoint blocks, and the mask leaves out model-parallel duplicates.
        // The mask is 0 or 1, so the fp32 norm of the masked block is that of the counted elements (as clip_grad_norm_ computes it).
        Span<double> squares = [Math.Pow(linalg.vector_norm(mine * counted).item<float>(), 2)];
        grid.Mpi.AllReduceSum(squares, grid.Mpi.World);
        double norm = Math.Sqrt(squares[0]);
        double coefficient = Math.Min(1, clip / (norm + epsilon));
        block.grad!.copy_(mine.mul_(coefficient));
        optimizer.Step(learningRate);

        clock.Restart();
        var weights = empty(padded);
        grid.Mpi.AllGather(TensorMemory.Floats(block.detach().contiguous()), TensorMemory.Floats(weights), grid.DataGroup);
        FlatTensors.CopyInto(weights, parameters);
        return (norm, scatter, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The weights of this rank's block (the optimizer's parameter) and the optimizer's moments over it.</summary>
    public void Save(BinaryWriter writer)
    {
        block.detach().Save(writer);
        optimizer.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        using (var loaded = Tensor.Load(reader))
        using (no_grad()) block.copy_(loaded);
        optimizer.Load(reader);
    }

    public void Dispose()
    {
        block.Dispose();
        counted.Dispose();
    }
}
