using System.Diagnostics;
using ScalePlanner.Executor.Optimizers;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// ZeRO stages 1–3 over the replicas (dp·cp ranks; Rajbhandari et al. SC20, §5), on one flat partition of the rank's parameters
/// (<see cref="FlatShard"/>; a tied embedding shared with the other end of the pipeline gets a partition of its own, so the two
/// copies' blocks line up and are summed block by block). Stage 1: the optimizer state and fp32 master weights are partitioned;
/// gradients accumulate in full and are reduce-scattered after the step's last backward. Stage 2: gradients too — each
/// micro-batch's gradients are reduce-scattered once its backward has produced them, added into the partition and freed, as
/// DeepSpeed's stage 2 does. Stage 3: parameters too — blocks are gathered just in time (<see cref="GatheredBlocks"/>); the
/// embeddings, final norm and output layer stay gathered as in stage 2. After the update the weights are all-gathered back in
/// the model's format. With overlap each unit's reduce-scatter starts in backward as soon as the unit is complete.
/// </summary>
public sealed class ShardedUpdate : IReplicaUpdate
{
    private readonly RankParameters rank;
    private readonly ProcessGrid grid;
    private readonly int zero;
    private readonly bool overlap, bf16Wire;
    private readonly ShardLayout layout;
    private readonly IOptimizerStep optimizer;
    private readonly GatheredBlocks? gathered;
    private readonly List<PendingScatter> inFlight = [];
    private readonly bool[] started, armed;

    /// <summary>
    /// The update for <paramref name="zero"/> over <paramref name="model"/>: partitions its fp32 parameters first, then turns the
    /// model to <paramref name="half"/> (null: stays fp32), so the masters start from the fp32 weights one process starts from.
    /// </summary>
    public static (ShardedUpdate Update, RankParameters Rank) Create(RankModel model, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed, ScalarType? half)
    {
        var layout = ShardLayout.Of(model, grid);
        if (half is { } format) model.To(format);
        var rank = new RankParameters(model, grid, masters: null);
        return (new ShardedUpdate(model, rank, grid, options, distributed, layout), rank);
    }

    private ShardedUpdate(RankModel model, RankParameters rank, ProcessGrid grid, TrainerOptions options, DistributedOptions distributed, ShardLayout layout)
    {
        (this.rank, this.grid, zero, overlap, bf16Wire, this.layout) = (rank, grid, distributed.Zero, distributed.Overlap, distributed.Compression.Kind == CompressionKind.Bf16, layout);
        optimizer = Optimizer(options, layout, grid);
        started = new bool[layout.Entries.Count];
        armed = new bool[model.Chunks.Count];
        if (zero == 3)
        {
            var blocks = layout.Entries.Where(e => e.Kind == UnitKind.Block).Select(e => (e.Chunk, e.LocalUnit, e.Index)).ToList();
            gathered = new GatheredBlocks(model, rank, grid.Mpi, grid.DataGroup, layout.Flat, blocks, overlap, index => Scatter(layout.FlatEntry(index), free: true));
        }
        else if (overlap)
        {
            for (int c = 0; c < model.Chunks.Count; c++) model.Chunks[c].Hooks = new ScatterHooks(this, c);
        }
    }

    /// <summary>
    /// The optimizer over this replica's master blocks: elementwise rules (SGD, Adam, AdamW) as they are; LAMB and Adafactor,
    /// which need whole-tensor statistics, with those statistics summed over the replicas.
    /// </summary>
    private static IOptimizerStep Optimizer(TrainerOptions options, ShardLayout layout, ProcessGrid grid) => options.Optimizer switch
    {
        OptimizerKind.Lamb => new ShardedLamb(layout.Masters, new ShardSegments([.. layout.Shards], grid.Mpi, grid.DataGroup), new Lamb([], options.Schedule.Peak, weightDecay: options.WeightDecay)),
        OptimizerKind.Adafactor => new ShardedAdafactor(layout.Masters, new ShardSegments([.. layout.Shards], grid.Mpi, grid.DataGroup), new Adafactor([])),
        _ => new StepOptimizer(options.Optimizer, layout.Masters, options.Schedule.Peak, options.WeightDecay),
    };

    /// <summary>Elements of optimizer state this rank keeps: ⌈N/R⌉ (and the shared embedding's ⌈n/R⌉).</summary>
    public long OptimizerElements => layout.Masters.Sum(m => m.numel());

    /// <summary>Under ZeRO-3 the block weights are gathered views, compared nowhere; the other weights are replicated.</summary>
    public IReadOnlyList<Parameter> Replicated => zero < 3 ? rank.Working
        : [.. layout.Entries.Where(e => e.Kind != UnitKind.Block).SelectMany(e => e.Shard.Units[e.Index]).Select(i => rank.Working[i])];

    public BackwardCallbacks Callbacks => new(BeforeLastBackward: chunk => armed[chunk] = true, AfterBackward: zero >= 2 ? AfterBackward : null);

    /// <summary>Hooks of one chunk under ZeRO-1/2 with overlap: a unit's reduce-scatter starts once its gradients are complete.</summary>
    private sealed class ScatterHooks(ShardedUpdate owner, int chunk) : IUnitHooks
    {
        public Tensor Entering(int unit, Tensor x) => owner.layout.EntryAt(chunk, unit) is not { } entry ? x : TwoWay.Of(x, input => input.clone(), gradient =>
        {
            if (owner.zero >= 2 || owner.armed[chunk]) owner.Scatter(entry, free: owner.zero >= 2);
            return gradient;
        });

        public Tensor Leaving(int unit, Tensor y) => y;
    }

    /// <summary>Reduce-scatters unit <paramref name="entry"/> (started, with overlap; done now otherwise), then frees its gradients when they are not needed again.</summary>
    private void Scatter(int entry, bool free)
    {
        var (_, _, _, shard, index) = layout.Entries[entry];
        var pending = shard.StartScatter(index, grid.Mpi, grid.DataGroup, rank, bf16Wire);
        started[entry] = true;
        if (overlap) inFlight.Add(pending);
        else pending.Finish(grid.Mpi);
        foreach (var other in inFlight) other.Advance(grid.Mpi);
        if (!free) return;
        foreach (int i in shard.Units[index]) rank.Working[i].grad = null;
    }

    /// <summary>ZeRO-2/3, after each micro-batch's backward through a chunk: the chunk's units not yet reduced go now; every reduction of the micro-batch completes.</summary>
    private void AfterBackward(int chunk, int microBatch)
    {
        for (int e = 0; e < layout.Entries.Count; e++)
        {
            if (layout.Entries[e].Chunk == chunk && !started[e]) Scatter(e, free: true);
        }
        FinishAll();
        for (int e = 0; e < layout.Entries.Count; e++)
        {
            if (layout.Entries[e].Chunk == chunk) started[e] = false;
        }
    }

    private void FinishAll()
    {
        foreach (var pending in inFlight) pending.Finish(grid.Mpi);
        inFlight.Clear();
    }

    public ReducedGradients Reduce(double lossScale)
    {
        long r0 = Stopwatch.GetTimestamp();
        for (int e = 0; e < layout.Entries.Count; e++)
        {
            if (zero == 1 && !started[e]) Scatter(e, free: false);
        }
        FinishAll();
        Array.Clear(started);
        Array.Clear(armed);
        double reduce = Stopwatch.GetElapsedTime(r0).TotalSeconds;
        double embedding = layout.Shared is { } copy ? rank.SumSharedEmbedding(copy.Master.grad!) : 0;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Each element is counted once in the world: replicas hold disjoint blocks, and the mask leaves out model-parallel duplicates.
        Span<double> squares = [0];
        foreach (var shard in layout.Shards)
        {
            shard.Master.grad!.div_(grid.Replicas * lossScale);
            squares[0] += Math.Pow(linalg.vector_norm(shard.Master.grad! * shard.Counted).item<float>(), 2);
        }
        grid.Mpi.AllReduceSum(squares, grid.Mpi.World);
        return new ReducedGradients(Math.Sqrt(squares[0]), reduce, embedding);
    }

    public double Apply(double learningRate, double clipCoefficient)
    {
        using (no_grad())
        {
            foreach (var master in layout.Masters) master.grad!.mul_(clipCoefficient);
        }
        optimizer.Step(learningRate);
        Discard();
        long g0 = Stopwatch.GetTimestamp();
        GatherWeights();
        return Stopwatch.GetElapsedTime(g0).TotalSeconds;
    }

    /// <summary>The updated weights back into the model: every unit but ZeRO-3's blocks, which their next use gathers.</summary>
    private void GatherWeights()
    {
        foreach (var (_, _, kind, shard, index) in layout.Entries)
        {
            if (zero < 3 || kind != UnitKind.Block) shard.GatherIntoModel(index, grid.Mpi, grid.DataGroup, rank);
        }
        gathered?.Invalidate();
    }

    public void Discard()
    {
        using var noGrad = no_grad();
        foreach (var master in layout.Masters) master.grad!.zero_();
    }

    /// <summary>The masters of this rank's blocks and the optimizer's moments over them.</summary>
    public void Save(BinaryWriter writer)
    {
        foreach (var master in layout.Masters) master.detach().Save(writer);
        optimizer.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        foreach (var master in layout.Masters)
        {
            using var loaded = Tensor.Load(reader);
            using (no_grad()) master.copy_(loaded);
        }
        optimizer.Load(reader);
        GatherWeights();
    }

    public void Dispose()
    {
        gathered?.Dispose();
        foreach (var shard in layout.Shards) shard.Dispose();
    }
}
