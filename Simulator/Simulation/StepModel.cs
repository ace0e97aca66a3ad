using System.Collections.Concurrent;
using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// The closed-form cost model of one training step, in two phases: <see cref="Shape"/> costs one micro-batch kernel by kernel
/// (the expensive part, shared by all layouts with the same tp, cp, mb, sp, recompute and precision); <see cref="Estimate"/>
/// adds the pipeline, data parallelism, optimizer and memory for one layout with plain arithmetic.
/// Layouts must already be valid for the job (see <see cref="Layout.Validated"/>).
/// </summary>
public sealed class StepModel
{
    /// <summary>PyTorch DDP's default gradient bucket (torch.nn.parallel.DistributedDataParallel, bucket_cap_mb = 25).</summary>
    public const double BucketBytes = DataParallelComm.DdpBucketBytes;

    private readonly ModelSpec model;
    private readonly TrainingSpec training;
    private readonly ClusterSpec cluster;
    private readonly double adafactorFraction, powerSgdDenseMatrices, matrixShare;
    private readonly int modulesPerBlock;
    private readonly ConcurrentDictionary<(Precision, int), (double Ratio, double SecondsPerLayer)> powerSgd = new();

    public StepModel(TrainingJob job, DeviceProfile? profile = null)
    {
        (model, cluster, training) = job;
        Profile = profile ?? cluster.Accelerator.DefaultProfile;
        adafactorFraction = OptimizerCosts.AdafactorStateFraction(model);
        powerSgdDenseMatrices = model.BlockMatrixParameters();
        matrixShare = powerSgdDenseMatrices * model.Layers / model.ParameterCount;
        modulesPerBlock = model.BlockMatrices().Count();
    }

    public DeviceProfile Profile { get; }

    /// <summary>Kernel-by-kernel cost of one micro-batch through a block, the embedding and the head, with activation sizes.</summary>
    public MicroBatchCosts Shape(Layout layout)
    {
        var precision = layout.Precision;
        var (costs, timer) = Costs(layout);

        double perBlock = ActivationMemory.PerBlock(model, layout, training.FlashAttention);
        // The block being recomputed needs its full activations once.
        double working = layout.Recompute == RecomputeMode.Full
            ? ActivationMemory.PerBlock(model, layout with { Recompute = RecomputeMode.None }, training.FlashAttention)
            : 0;
        double tokens = layout.MicroBatch * (double)model.SequenceLength / layout.Cp;
        double logits = tokens * model.Vocab / layout.Tp * (precision.ActivationBytes() + 4); // logits and their fp32 softmax for the cross-entropy
        var (block, blockComm) = costs.Block();
        var (embedding, embeddingComm) = costs.Embedding();
        var (head, headComm) = costs.Head();
        if (layout.RecomputeLayers == 0)
            return new MicroBatchCosts(block, embedding, head, perBlock, working, logits, timer, blockComm, embeddingComm, headComm, block, perBlock);
        var kept = layout with { Recompute = RecomputeMode.None, RecomputeLayers = 0 };
        return new MicroBatchCosts(block, embedding, head, perBlock, working, logits, timer, blockComm, embeddingComm, headComm,
            Costs(kept).Costs.Block().Cost, ActivationMemory.PerBlock(model, kept, training.FlashAttention), layout.RecomputeLayers);
    }

    /// <summary>The attention core of one block alone, per micro-batch (what `calibrate` checks against its attention microrun).</summary>
    public PassCost Attention(Layout layout) => Costs(layout).Costs.Attention();

    private (TransformerCosts Costs, KernelTimer Timer) Costs(Layout layout)
    {
        var accelerator = cluster.Accelerator;
        accelerator.PeakFlops(layout.Precision); // rejects a precision the accelerator has no fast path for, naming the allowed ones
        var timer = KernelTimer.For(accelerator, layout.Precision, Profile, training.AttentionKernel, model.HeadDim);
        var tensorLink = new GroupLink(layout.Tp, 1, cluster, Profile);
        var contextLink = new GroupLink(layout.Cp, layout.Tp, cluster, Profile);
        return (new TransformerCosts(model, training, layout, timer, tensorLink, contextLink), timer);
    }

    /// <summary>
    /// Memory per device of the most loaded stage: the first holds the most micro-batches in flight, the last the logits; with
    /// uneven stages the second stage (most in flight among the middle ones) is checked too.
    /// </summary>
    public MemoryParts Memory(in MicroBatchCosts shape, in Layout layout)
    {
        var split = layout.Stages(model);
        var parameters = StageParameters.Of(model, layout, split);
        int m = layout.MicroBatches(training), p = layout.Pp;
        double optimizerBytes = OptimizerCosts.StateBytesPerParameter(layout.Optimizer, layout.Precision, adafactorFraction);
        double e = layout.Precision.ActivationBytes(), weightBytes = layout.Precision.IsMixed() ? 2 : 4;
        double gradientBytes = DataParallelComm.GradientElementBytes(training, layout.Precision);
        // FSDP2's sharded parameters are fp32 and are the optimizer's master weights (torch.distributed.fsdp.fully_shard, MixedPrecisionPolicy).
        if (training.Framework == Framework.Fsdp && layout.Zero == 3 && layout.Precision.IsMixed())
            (weightBytes, optimizerBytes) = (4, optimizerBytes - 4);
        double zeroGather = layout.Zero == 3 ? 2 * model.BlockParameters / (double)layout.Tp * e : 0; // two prefetched blocks of gathered weights
        double common = Profile.ReservedMemoryGB * 1e9 + 2 * BucketBytes + zeroGather + shape.RecomputeWorkingBytes;
        int shards = layout.Dp * layout.Cp, zero = layout.Zero;
        var precision = layout.Precision;

        var costs = shape;
        double Activations(int layers) => costs.ActivationBytes(layers, layers);
        var first = StageMemory(parameters.First, Activations(split.First) * ActivationMemory.MicroBatchesInFlight(layout, m, 0), common + (p == 1 ? shape.LogitsBytes : 0));
        if (p == 1) return first;
        var last = StageMemory(parameters.Last, Activations(split.Last) * ActivationMemory.MicroBatchesInFlight(layout, m, p - 1), common + shape.LogitsBytes);
        var worst = first.Total >= last.Total ? first : last;
        if (p == 2 || split.Even) return worst; // an even middle stage holds no more than the first
        var second = StageMemory(parameters.Middle, Activations(split.Middle) * ActivationMemory.MicroBatchesInFlight(layout, m, 1), common);
        return second.Total > worst.Total ? second : worst;

        MemoryParts StageMemory(double stageParameters, double activations, double other)
        {
            var states = ModelStateMemory.PerDevice(stageParameters, shards, zero, weightBytes, gradientBytes, optimizerBytes);
            return new MemoryParts(states.Weights, states.Gradients, states.OptimizerStates, activations, other);
        }
    }

    /// <summary>The step of one layout: time parts on the slowest stage, memory of the most loaded device, FLOPs of all devices.</summary>
    public StepEstimate Estimate(in MicroBatchCosts shape, in Layout layout) => Estimate(shape, layout, Memory(shape, layout));

    /// <summary>As <see cref="Estimate(in MicroBatchCosts, in Layout)"/>, with the memory already computed (the search prunes by memory first).</summary>
    public StepEstimate Estimate(in MicroBatchCosts shape, in Layout layout, in MemoryParts memory)
    {
        var timer = shape.Timer;
        var precision = layout.Precision;
        int t = layout.Tp, cp = layout.Cp, dp = layout.Dp, p = layout.Pp, v = layout.Vp;
        var split = layout.Stages(model);
        var parameters = StageParameters.Of(model, layout, split);

        // Per-micro-batch cost of each kind of stage: the embedding sits on the first, the output layer on the last.
        var middle = shape.Blocks(split.Middle, split.Middle);
        PassCost first = p == 1 ? shape.Blocks(split.First, split.First) + shape.Embedding + shape.Head : shape.Blocks(split.First, split.First) + shape.Embedding;
        PassCost last = p == 1 ? first : shape.Blocks(split.Last, split.Last) + shape.Head;
        if (!training.FusedGradientAccumulation)
        {
            first += GradientAccumulation(parameters.First, precision, timer);
            last += GradientAccumulation(parameters.Last, precision, timer);
            if (p > 2) middle += GradientAccumulation(parameters.Middle, precision, timer);
        }
        bool middleSlowest = p > 2 && middle.Total > first.Total && middle.Total > last.Total;
        PassCost bottleneck = middleSlowest ? middle : first.Total >= last.Total ? first : last;
        int bottleneckLayers = middleSlowest ? split.Middle : first.Total >= last.Total ? split.First : split.Last;
        double allStages = p == 1 ? first.Total : first.Total + last.Total + (p - 2) * middle.Total;

        int m = layout.MicroBatches(training);
        double compute = m * (bottleneck.Forward + bottleneck.Backward);
        double recompute = m * bottleneck.Recompute;
        double tensorComm = m * bottleneck.TensorComm;
        double contextComm = m * bottleneck.ContextComm;
        // 1F1B with stage times t_i takes (m−1)·max t + Σ t: the slowest stage sets the pace, the others fill and drain the pipeline;
        // equal stages give (p−1)/(v·m) of the ideal time (Narayanan et al. SC21, §2.2), interleaving divides the fill by v.
        double bubble = (allStages - bottleneck.Total) / v;

        // Pipeline point-to-point: with tp > 1 each rank sends 1/tp of the activation (scatter/gather, Narayanan et al. SC21 §4.1).
        // In the steady state a stage sends one tensor each way per micro-batch and chunk at once (send_forward_recv_backward,
        // full-duplex links); warm-up and cool-down add p−1 one-way transfers each.
        double pipelineComm = p == 1 ? 0 : (m * v + 2 * (p - 1)) * new GroupLink(p, t * cp * dp, cluster, Profile).PointToPoint(BoundaryBytes(layout));

        double deviceParams = parameters.Largest;
        double dataComm = DataParallel(layout, deviceParams, bottleneckLayers, m, bottleneck, timer) + EmbeddingSync(layout);

        double optimizerStep = OptimizerStep(layout, deviceParams, timer);

        double busy = compute + recompute + tensorComm + contextComm + bubble + pipelineComm + dataComm + optimizerStep;
        double dataWait = DataWait(layout, busy);
        var time = new TimeParts(compute, recompute, bubble, tensorComm, contextComm, dataComm, pipelineComm, optimizerStep, dataWait);

        // FLOPs of the whole step: every micro-batch of every replica through every layer, summed over tp and cp ranks.
        double replicaMicroBatches = (double)training.GlobalBatchSize / layout.MicroBatch;
        double blockHardwareFlops = p == 1 ? shape.Blocks(split.First, split.First).HardwareFlops
            : shape.Blocks(split.First, split.First).HardwareFlops + shape.Blocks(split.Last, split.Last).HardwareFlops + (p - 2) * shape.Blocks(split.Middle, split.Middle).HardwareFlops;
        double modelFlops = replicaMicroBatches * t * cp * (model.Layers * shape.Block.ModelFlops + shape.Head.ModelFlops);
        double hardwareFlops = replicaMicroBatches * t * cp * (blockHardwareFlops + shape.Head.HardwareFlops);

        // A checkpoint holds the working weights and the optimizer state (master weights and moments) of every parameter.
        double checkpoint = model.ParameterCount * (precision.IsMixed() ? 2 : 4)
                          + model.ParameterCount * OptimizerCosts.StateBytesPerParameter(layout.Optimizer, precision, adafactorFraction);
        return new StepEstimate(time, memory, m, modelFlops, hardwareFlops, checkpoint);
    }

    /// <summary>Bytes one tensor-parallel rank sends to the next stage per micro-batch: 1/tp of the boundary activation (scatter/gather, Narayanan et al. SC21 §4.1).</summary>
    public double BoundaryBytes(in Layout layout) =>
        layout.MicroBatch * (double)model.SequenceLength / layout.Cp * model.Hidden * layout.Precision.ActivationBytes() / layout.Tp;

    /// <summary>
    /// Per-micro-batch cost of one model chunk (virtual stage k of pp·vp): its blocks, the embedding on the first, the head on
    /// the last; and where its communication falls.
    /// </summary>
    public (PassCost Cost, CommSplit Comm) ChunkCost(in MicroBatchCosts shape, in Layout layout, int virtualStage)
    {
        var split = layout.Stages(model);
        int chunks = layout.Pp * layout.Vp, layers = split.InChunk(virtualStage);
        var cost = shape.Blocks(layers, split.OnStage(virtualStage % layout.Pp));
        var comm = layers * shape.BlockComm;
        if (virtualStage == 0)
        {
            cost += shape.Embedding;
            comm += shape.EmbeddingComm;
        }
        if (virtualStage == chunks - 1)
        {
            cost += shape.Head;
            comm += shape.HeadComm;
        }
        if (!training.FusedGradientAccumulation)
            cost += GradientAccumulation(StageParameters.Chunk(model, layout, virtualStage), layout.Precision, shape.Timer);
        return (cost, comm);
    }

    /// <summary>
    /// With tied embeddings and more than one stage, the first and the last stage each hold the word embedding (its 1/tp vocabulary
    /// shard) and all-reduce its fp32 gradient between them after backward (Megatron-LM 2021, _allreduce_word_embedding_grads).
    /// </summary>
    private double EmbeddingSync(in Layout layout)
    {
        if (!model.TiedEmbeddings || layout.Pp == 1) return 0;
        var link = new GroupLink(2, layout.Tp * layout.Cp * layout.Dp * (layout.Pp - 1), cluster, Profile);
        return link.AllReduce(4.0 * model.Vocab / layout.Tp * model.Hidden);
    }

    /// <summary>The optimizer step of a device holding <paramref name="deviceParams"/>: memory-bound, over the shard ZeRO ≥ 1 leaves it.</summary>
    public double OptimizerStep(in Layout layout, double deviceParams, in KernelTimer timer)
    {
        double optimizerParams = deviceParams / (layout.Zero >= 1 ? layout.Dp * layout.Cp : 1);
        return timer.Memory(optimizerParams * OptimizerCosts.StepBytesPerParameter(layout.Optimizer, layout.Precision, adafactorFraction), MemoryKernel.OptimizerStep);
    }

    /// <summary>Input-pipeline wait of a step whose other parts take <paramref name="busy"/> seconds.</summary>
    public double DataWait(in Layout layout, double busy)
    {
        double tokensPerStep = (double)training.GlobalBatchSize * model.SequenceLength;
        return training.LoaderTokensPerSecondPerDevice is { } rate
            ? Math.Max(0, tokensPerStep / layout.Dp / layout.Cp / rate - busy) // loading the next batch overlaps the step (prefetch depth ≥ 1)
            : 0;
    }

    /// <summary>
    /// The unfused gradient accumulation of one micro-batch: each fresh gradient is read and added into the accumulation buffer,
    /// read and written, in the stack's gradient format (Megatron-LM 2021 megatron/model/distributed.py: `main_grad.add_(grad)`
    /// into an fp32 buffer with --accumulate-allreduce-grads-in-fp32, otherwise autograd's += on the fp16 .grad, as the GPT-3
    /// 175B example script of that code ran).
    /// </summary>
    private PassCost GradientAccumulation(double parameters, Precision precision, KernelTimer timer) =>
        new(0, timer.Memory(parameters * (precision.ActivationBytes() + 2 * DataParallelComm.GradientElementBytes(training, precision))), 0, 0, 0, 0, 0);

    /// <summary>
    /// Exposed data-parallel communication of the slowest stage (<see cref="DataParallelComm"/>), over dp × cp ranks (they hold the
    /// same weights); with HYBRID_SHARD the shard group is the data-parallel ranks inside a node and the replicas span nodes.
    /// </summary>
    private double DataParallel(in Layout layout, double deviceParams, int blocks, int m, in PassCost stage, in KernelTimer timer)
    {
        int ranks = layout.Dp * layout.Cp;
        double elementBytes = DataParallelComm.GradientElementBytes(training, layout.Precision);
        var (gradientBytes, compressionTime) = CompressedGradient(layout, deviceParams, blocks, elementBytes, timer);
        double weightBytes = deviceParams * (layout.Precision.IsMixed() ? 2 : 4);
        int shard = layout.HybridShard ? Math.Clamp(cluster.DevicesPerNode / layout.Tp, 1, ranks) : ranks;
        var link = new GroupLink(shard, layout.Tp, cluster, Profile);
        GroupLink? replicas = shard < ranks ? new GroupLink(ranks / shard, layout.Tp * shard, cluster, Profile) : null;
        var work = new DataParallelWork(layout, stage, link, m, blocks, gradientBytes, weightBytes, elementBytes, modulesPerBlock, replicas);
        return DataParallelComm.Exposed(training.Framework, work, Profile.OverlappedCommunicationCost, timer) + compressionTime;
    }

    /// <summary>
    /// Gradient bytes sent per step and the time spent compressing them. bf16 halves fp32 gradients (a cast kernel);
    /// PowerSGD of rank r sends r·(rows + cols) per matrix instead of rows·cols and costs two rank-r GEMMs per matrix
    /// (Vogels et al. NeurIPS 2019, Alg. 1); vectors are sent uncompressed.
    /// </summary>
    public (double Bytes, double Seconds) CompressedGradient(in Layout layout, double deviceParams, int blocks, double weightBytes, in KernelTimer timer)
    {
        double dense = deviceParams * weightBytes;
        switch (layout.Compression.Kind)
        {
            case CompressionKind.Bf16:
                return weightBytes > 2 ? (deviceParams * 2, timer.Memory(deviceParams * (weightBytes + 2))) : (dense, 0);
            case CompressionKind.PowerSgd:
                var (ratio, secondsPerLayer) = PowerSgd(layout.Precision, layout.Compression.Rank, timer);
                return (dense * ratio, secondsPerLayer * blocks / layout.Tp);
            default:
                return (dense, 0);
        }
    }

    private (double Ratio, double SecondsPerLayer) PowerSgd(Precision precision, int rank, KernelTimer timer)
    {
        if (powerSgd.TryGetValue((precision, rank), out var cached)) return cached;
        double lowRank = 0, seconds = 0;
        int bytes = precision.IsMixed() ? 2 : 4;
        foreach (var (rows, cols) in model.BlockMatrices())
        {
            lowRank += Math.Min(rows * cols, (double)rank * (rows + cols));
            seconds += timer.Gemm(rows, rank, cols, 1, bytes) + timer.Gemm(cols, rank, rows, 1, bytes);
        }
        var value = ((1 - matrixShare) + matrixShare * lowRank / powerSgdDenseMatrices, seconds);
        powerSgd[(precision, rank)] = value;
        return value;
    }
}
