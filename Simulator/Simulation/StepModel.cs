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
    private readonly ConcurrentDictionary<StageSplit, StageKinds> kinds = new();

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

    /// <summary>Kernel-by-kernel cost of one micro-batch through a block (dense, and MoE when the model has experts), the embedding and the head, with activation sizes.</summary>
    public MicroBatchCosts Shape(Layout layout)
    {
        var precision = layout.Precision;
        var (costs, timer, moe) = Costs(layout);
        var dense = Kind(layout, costs, null);
        var moeBlock = moe is null ? default : Kind(layout, costs, moe);
        // The block being recomputed needs its full activations once.
        double working = 0;
        if (layout.Recompute == RecomputeMode.Full)
        {
            var keeping = layout with { Recompute = RecomputeMode.None };
            working = ActivationMemory.PerBlock(model, keeping, training.FlashAttention);
            if (moe is not null) working = Math.Max(working, ActivationMemory.PerBlock(model, keeping, training.FlashAttention, moeLayer: true));
        }
        double tokens = layout.MicroBatch * (double)model.SequenceLength / layout.Cp;
        double logits = tokens * model.Vocab / layout.Tp * (precision.ActivationBytes() + 4); // logits and their fp32 softmax for the cross-entropy
        var (embedding, embeddingComm) = costs.Embedding();
        var (head, headComm) = costs.Head();
        return new MicroBatchCosts(dense, moeBlock, embedding, head, working, logits, timer, embeddingComm, headComm, layout.RecomputeLayers);
    }

    /// <summary>One kind of block under <paramref name="layout"/>, and as it is when it keeps its activations (only some layers recompute).</summary>
    private BlockCosts Kind(Layout layout, TransformerCosts costs, MoeFfnCosts? moe)
    {
        bool moeLayer = moe is not null;
        var (cost, comm) = moeLayer ? costs.Block(moe!.Ffn(costs.NormAndResidual())) : costs.Block();
        double activation = ActivationMemory.PerBlock(model, layout, training.FlashAttention, moeLayer);
        if (layout.RecomputeLayers == 0) return new BlockCosts(cost, comm, activation, cost, activation);
        var kept = layout with { Recompute = RecomputeMode.None, RecomputeLayers = 0 };
        var (keptCosts, _, keptMoe) = Costs(kept);
        var keptCost = moeLayer ? keptCosts.Block(keptMoe!.Ffn(keptCosts.NormAndResidual())).Cost : keptCosts.Block().Cost;
        return new BlockCosts(cost, comm, activation, keptCost, ActivationMemory.PerBlock(model, kept, training.FlashAttention, moeLayer));
    }

    /// <summary>The attention core of one block alone, per micro-batch (what `calibrate` checks against its attention microrun).</summary>
    public PassCost Attention(Layout layout) => Costs(layout).Costs.Attention();

    private (TransformerCosts Costs, KernelTimer Timer, MoeFfnCosts? Moe) Costs(Layout layout)
    {
        var accelerator = cluster.Accelerator;
        accelerator.PeakFlops(layout.Precision); // rejects a precision the accelerator has no fast path for, naming the allowed ones
        var timer = KernelTimer.For(accelerator, layout.Precision, Profile, training.AttentionKernel, Math.Max(model.AttentionQkDim, model.AttentionVDim));
        var tensorLink = new GroupLink(layout.Tp, 1, cluster, Profile);
        var contextLink = new GroupLink(layout.Cp, layout.Tp, cluster, Profile);
        var costs = new TransformerCosts(model, training, layout, timer, tensorLink, contextLink);
        if (model.Moe is null) return (costs, timer, null);
        // Expert ranks fold into the stage's tp·cp·dp ranks with etp innermost, then ep (Megatron-Core's expert rank order).
        var (tokens, routed) = costs.TokenCounts;
        var moe = new MoeFfnCosts(model, training, layout, timer, KernelRecipe.Of(training), tokens, routed,
            new GroupLink(layout.Ep, layout.Etp, cluster, Profile), new GroupLink(layout.Etp, 1, cluster, Profile), new GroupLink(layout.Ep * layout.Etp, 1, cluster, Profile));
        return (costs, timer, moe);
    }

    /// <summary>The layer kinds of the first, the heaviest middle and the last stage (cached per split for MoE models, which count them layer by layer).</summary>
    public StageKinds Kinds(in StageSplit split)
    {
        if (model.Moe is null) return StageKinds.Of(model, split);
        if (kinds.TryGetValue(split, out var cached)) return cached;
        var value = StageKinds.Of(model, split);
        kinds[split] = value;
        return value;
    }

    /// <summary>
    /// Memory per device of the most loaded stage: the first holds the most micro-batches in flight, the last the logits; with
    /// uneven stages the second stage (most in flight among the middle ones) is checked too.
    /// </summary>
    public MemoryParts Memory(in MicroBatchCosts shape, in Layout layout)
    {
        var split = layout.Stages(model);
        var stageKinds = Kinds(split);
        var parameters = StageParameters.Of(model, layout, stageKinds);
        int m = layout.MicroBatches(training), p = layout.Pp;
        double optimizerBytes = OptimizerCosts.StateBytesPerParameter(layout.Optimizer, layout.Precision, adafactorFraction);
        double e = layout.Precision.ActivationBytes(), weightBytes = layout.Precision.IsMixed() ? 2 : 4;
        double gradientBytes = DataParallelComm.GradientElementBytes(training, layout.Precision);
        // FSDP2's sharded parameters are fp32 and are the optimizer's master weights (torch.distributed.fsdp.fully_shard, MixedPrecisionPolicy).
        if (training.Framework == Framework.Fsdp && layout.Zero == 3 && layout.Precision.IsMixed())
            (weightBytes, optimizerBytes) = (4, optimizerBytes - 4);
        double zeroGather = layout.Zero == 3 ? 2 * LargestBlockParameters(layout) * e : 0; // two prefetched blocks of gathered weights
        double common = Profile.ReservedMemoryGB * 1e9 + 2 * BucketBytes + zeroGather + shape.RecomputeWorkingBytes;
        int shards = layout.Dp * layout.Cp, expertShards = LayoutRules.ExpertDataParallel(layout), zero = layout.Zero;

        var costs = shape;
        double Activations(StageLayers layers) => costs.ActivationBytes(layers, layers.Total);
        var first = StageMemory(parameters.First, parameters.ExpertFirst, Activations(stageKinds.First) * ActivationMemory.MicroBatchesInFlight(layout, m, 0), common + (p == 1 ? shape.LogitsBytes : 0));
        if (p == 1) return first;
        var last = StageMemory(parameters.Last, parameters.ExpertLast, Activations(stageKinds.Last) * ActivationMemory.MicroBatchesInFlight(layout, m, p - 1), common + shape.LogitsBytes);
        var worst = first.Total >= last.Total ? first : last;
        if (p == 2 || (split.Even && model.Moe is null)) return worst; // an even middle stage of a dense model holds no more than the first
        var second = StageMemory(parameters.Middle, parameters.ExpertMiddle, Activations(stageKinds.Middle) * ActivationMemory.MicroBatchesInFlight(layout, m, 1), common);
        return second.Total > worst.Total ? second : worst;

        MemoryParts StageMemory(double stageParameters, double expertParameters, double activations, double other)
        {
            var states = ModelStateMemory.PerDevice(stageParameters, shards, zero, weightBytes, gradientBytes, optimizerBytes);
            var experts = ModelStateMemory.PerDevice(expertParameters, expertShards, zero, weightBytes, gradientBytes, optimizerBytes);
            return new MemoryParts(states.Weights + experts.Weights, states.Gradients + experts.Gradients, states.OptimizerStates + experts.OptimizerStates, activations, other);
        }
    }

    /// <summary>Parameters of the largest block on one device: a dense block split tp ways, or an MoE block with its experts split ep·etp ways.</summary>
    private double LargestBlockParameters(in Layout layout)
    {
        double dense = model.BlockParameters / (double)layout.Tp;
        return model.Moe is null ? dense
            : Math.Max(dense, model.MoeNonExpertParameters / (double)layout.Tp + model.RoutedExpertParameters / (double)(layout.Ep * layout.Etp));
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
        var stageKinds = Kinds(split);
        var parameters = StageParameters.Of(model, layout, stageKinds);

        // Per-micro-batch cost of each kind of stage: the embedding sits on the first, the output layer (and MTP modules) on the last.
        var middle = shape.Blocks(stageKinds.Middle, split.Middle);
        var ends = MultiTokenPrediction(shape) + shape.Head;
        PassCost first = p == 1 ? shape.Blocks(stageKinds.First, split.First) + shape.Embedding + ends : shape.Blocks(stageKinds.First, split.First) + shape.Embedding;
        PassCost last = p == 1 ? first : shape.Blocks(stageKinds.Last, split.Last) + ends;
        if (!training.FusedGradientAccumulation)
        {
            first += GradientAccumulation(parameters.First + parameters.ExpertFirst, precision, timer);
            last += GradientAccumulation(parameters.Last + parameters.ExpertLast, precision, timer);
            if (p > 2) middle += GradientAccumulation(parameters.Middle + parameters.ExpertMiddle, precision, timer);
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
        double expertComm = m * bottleneck.ExpertComm;
        // 1F1B with stage times t_i takes (m−1)·max t + Σ t: the slowest stage sets the pace, the others fill and drain the pipeline;
        // equal stages give (p−1)/(v·m) of the ideal time (Narayanan et al. SC21, §2.2), interleaving divides the fill by v.
        double bubble = (allStages - bottleneck.Total) / v;

        // Pipeline point-to-point: with tp > 1 each rank sends 1/tp of the activation (scatter/gather, Narayanan et al. SC21 §4.1).
        // In the steady state a stage sends one tensor each way per micro-batch and chunk at once (send_forward_recv_backward,
        // full-duplex links); warm-up and cool-down add p−1 one-way transfers each.
        double pipelineComm = p == 1 ? 0 : (m * v + 2 * (p - 1)) * new GroupLink(p, t * cp * dp, cluster, Profile).PointToPoint(BoundaryBytes(layout));

        double dataComm = DataParallel(layout, parameters, bottleneckLayers, m, bottleneck, timer) + EmbeddingSync(layout);

        double optimizerStep = OptimizerStep(layout, parameters.Largest, timer, parameters.LargestExperts);

        double busy = compute + recompute + tensorComm + contextComm + expertComm + bubble + pipelineComm + dataComm + optimizerStep;
        double dataWait = DataWait(layout, busy);
        var time = new TimeParts(compute, recompute, bubble, tensorComm, contextComm, dataComm, pipelineComm, optimizerStep, dataWait, expertComm);

        // FLOPs of the whole step: every micro-batch of every replica through every layer, summed over tp and cp ranks.
        double replicaMicroBatches = (double)training.GlobalBatchSize / layout.MicroBatch;
        double blockHardwareFlops = p == 1 ? shape.Blocks(stageKinds.First, split.First).HardwareFlops
            : shape.Blocks(stageKinds.First, split.First).HardwareFlops + shape.Blocks(stageKinds.Last, split.Last).HardwareFlops
              + (p - 2) * shape.Blocks(stageKinds.Middle, split.Middle).HardwareFlops;
        if (p > 2 && model.Moe is not null) blockHardwareFlops = AllBlocks(shape, split).HardwareFlops; // middle stages differ in their mix of layer kinds
        var mtp = MultiTokenPrediction(shape);
        int moeLayers = model.MoeLayers;
        double modelFlops = replicaMicroBatches * t * cp * ((model.Layers - moeLayers) * shape.Dense.Cost.ModelFlops + moeLayers * shape.Moe.Cost.ModelFlops + mtp.ModelFlops + shape.Head.ModelFlops);
        double hardwareFlops = replicaMicroBatches * t * cp * (blockHardwareFlops + mtp.HardwareFlops + shape.Head.HardwareFlops);

        // A checkpoint holds the working weights and the optimizer state (master weights and moments) of every parameter.
        double checkpoint = model.ParameterCount * (precision.IsMixed() ? 2 : 4)
                          + model.ParameterCount * OptimizerCosts.StateBytesPerParameter(layout.Optimizer, precision, adafactorFraction);
        return new StepEstimate(time, memory, m, modelFlops, hardwareFlops, checkpoint);
    }

    /// <summary>Every block of the model, chunk by chunk (the hardware FLOPs of an MoE model whose middle stages differ).</summary>
    private PassCost AllBlocks(in MicroBatchCosts shape, in StageSplit split)
    {
        var total = default(PassCost);
        for (int stage = 0; stage < split.Stages; stage++) total += shape.Blocks(StageLayers.OfStage(model, split, stage), split.OnStage(stage));
        return total;
    }

    /// <summary>
    /// DeepSeek-V3's multi-token-prediction modules on the last stage (§2.2): each one more block of the model's last kind and
    /// one more pass through the shared output head; the 2h → h projection is small beside them and left out.
    /// </summary>
    private PassCost MultiTokenPrediction(in MicroBatchCosts shape) =>
        model.MtpLayers == 0 ? default
        : model.MtpLayers * ((model.Moe?.IsMoeLayer(model.Layers - 1) ?? false ? shape.Moe.Cost : shape.Dense.Cost) + shape.Head);

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
        int chunks = layout.Pp * layout.Vp;
        var layers = StageLayers.OfChunk(model, split, virtualStage);
        var cost = shape.Blocks(layers, split.OnStage(virtualStage % layout.Pp));
        var comm = shape.BlockComm(layers);
        if (virtualStage == 0)
        {
            cost += shape.Embedding;
            comm += shape.EmbeddingComm;
        }
        if (virtualStage == chunks - 1)
        {
            cost += shape.Head + MultiTokenPrediction(shape);
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

    /// <summary>
    /// The optimizer step of a device holding <paramref name="deviceParams"/> (and <paramref name="expertParams"/> of routed
    /// experts): memory-bound, over the shard ZeRO ≥ 1 leaves it (expert parameters are sharded over the expert data-parallel ranks).
    /// </summary>
    public double OptimizerStep(in Layout layout, double deviceParams, in KernelTimer timer, double expertParams = 0)
    {
        double optimizerParams = layout.Zero >= 1
            ? deviceParams / (layout.Dp * layout.Cp) + expertParams / LayoutRules.ExpertDataParallel(layout)
            : deviceParams + expertParams;
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
    /// Routed experts reduce over their own expert data-parallel group (Megatron-Core's expert_data_parallel_group, ranks ep·etp
    /// apart), in their own buckets; each kind hides behind its share of the stage's compute by bytes.
    /// </summary>
    private double DataParallel(Layout layout, in StageParameters parameters, int blocks, int m, PassCost stage, KernelTimer timer)
    {
        double deviceParams = parameters.Largest, expertParams = parameters.LargestExperts;
        int ranks = layout.Dp * layout.Cp;
        double share = deviceParams / (deviceParams + expertParams);
        int shard = layout.HybridShard ? Math.Clamp(cluster.DevicesPerNode / layout.Tp, 1, ranks) : ranks;
        var link = new GroupLink(shard, layout.Tp, cluster, Profile);
        GroupLink? replicas = shard < ranks ? new GroupLink(ranks / shard, layout.Tp * shard, cluster, Profile) : null;
        double exposed = Reduction(deviceParams, link, replicas, share * stage);
        if (expertParams == 0) return exposed;
        int expertRanks = LayoutRules.ExpertDataParallel(layout);
        return exposed + Reduction(expertParams, new GroupLink(expertRanks, layout.Ep * layout.Etp, cluster, Profile), null, (1 - share) * stage);

        double Reduction(double parametersHere, GroupLink group, GroupLink? across, PassCost window)
        {
            double elementBytes = DataParallelComm.GradientElementBytes(training, layout.Precision);
            var (gradientBytes, compressionTime) = CompressedGradient(layout, parametersHere, blocks, elementBytes, timer);
            double weightBytes = parametersHere * (layout.Precision.IsMixed() ? 2 : 4);
            var work = new DataParallelWork(layout, window, group, m, blocks, gradientBytes, weightBytes, elementBytes, modulesPerBlock, across);
            return DataParallelComm.Exposed(training.Framework, work, Profile.OverlappedCommunicationCost, timer) + compressionTime;
        }
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
