using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// The closed-form cost model of one training step: per-stage kernel times from <see cref="TransformerCosts"/>, the pipeline
/// bubble, data-parallel gradient reduction with its overlap, the optimizer update, the input pipeline; memory per device;
/// time and cost to train. Pure and deterministic.
/// </summary>
public static class Simulator
{
    /// <summary>PyTorch DDP's default gradient bucket (torch.nn.parallel.DistributedDataParallel, bucket_cap_mb = 25).</summary>
    private const double BucketBytes = 25e6;

    public static SimulationResult Evaluate(TrainingJob job, Layout layout, DeviceProfile? profile = null)
    {
        var (model, cluster, training) = job;
        layout.Validated(model, training, cluster.Devices);
        var accelerator = cluster.Accelerator;
        profile ??= accelerator.DefaultProfile;
        var precision = layout.Precision;

        var timer = new KernelTimer(accelerator.PeakFlops(precision) * profile.SustainedClockFraction, accelerator.MemoryTBps * 1e12, profile.GemmEfficiency(precision),
            profile.MemoryByMegabyte, profile.FusedAttentionEfficiency, profile.KernelOverheadSeconds);
        int t = layout.Tp, cp = layout.Cp, dp = layout.Dp, p = layout.Pp, v = layout.Vp;
        var tensorLink = new GroupLink(t, 1, cluster, profile);
        var contextLink = new GroupLink(cp, t, cluster, profile);
        var dataLink = new GroupLink(dp * cp, t, cluster, profile);   // gradients are reduced over dp × cp (same weights)
        var pipeLink = new GroupLink(p, t * cp * dp, cluster, profile);
        var costs = new TransformerCosts(model, training, layout, timer, tensorLink, contextLink);

        // Parameters and per-micro-batch cost of each kind of stage: the embedding sits on the first stage, the output layer on
        // the last (tied weights are copied there, Megatron-LM); with one stage both sit on it.
        int layersPerDevice = model.Layers / p;
        var parameters = StageParameters.Of(model, layout);
        var blocks = layersPerDevice * costs.Block();
        PassCost embedding = costs.Embedding(), head = costs.Head();
        PassCost first = p == 1 ? blocks + embedding + head : blocks + embedding;
        PassCost last = p == 1 ? first : blocks + head;
        if (!training.FusedGradientAccumulation)
        {
            first += GradientAccumulation(parameters.First, precision, timer);
            last += GradientAccumulation(parameters.Last, precision, timer);
            blocks += GradientAccumulation(parameters.Middle, precision, timer);
        }
        PassCost bottleneck = first.Total >= last.Total && first.Total >= blocks.Total ? first : last.Total >= blocks.Total ? last : blocks;
        double meanStage = p == 1 ? first.Total : (first.Total + last.Total + (p - 2) * blocks.Total) / p;

        int m = layout.MicroBatches(training);
        double compute = m * (bottleneck.Forward + bottleneck.Backward);
        double recompute = m * bottleneck.Recompute;
        double tensorComm = m * bottleneck.TensorComm;
        double contextComm = m * bottleneck.ContextComm;
        double bubble = (p - 1.0) / v * meanStage; // (p−1)/(v·m) of the ideal time (Narayanan et al. SC21, §2.2)

        // Pipeline point-to-point: with tp > 1 each rank sends 1/tp of the activation (scatter/gather, Narayanan et al. SC21 §4.1).
        // In the steady state a stage sends one tensor each way per micro-batch and chunk at once (send_forward_recv_backward,
        // full-duplex links); warm-up and cool-down add p−1 one-way transfers each.
        double e = precision.ActivationBytes();
        double boundaryBytes = layout.MicroBatch * (double)model.SequenceLength / cp * model.Hidden * e / t;
        double pipelineComm = p == 1 ? 0 : (m * v + 2 * (p - 1)) * pipeLink.PointToPoint(boundaryBytes);

        double deviceParams = parameters.Largest;
        int shards = dp * cp;
        double dataComm = DataParallelExposed(layout, model, deviceParams, m, bottleneck, dataLink, timer);

        double adafactor = layout.Optimizer == OptimizerKind.Adafactor ? OptimizerCosts.AdafactorStateFraction(model) : 0;
        double optimizerParams = deviceParams / (layout.Zero >= 1 ? shards : 1);
        double optimizerStep = timer.Memory(optimizerParams * OptimizerCosts.StepBytesPerParameter(layout.Optimizer, precision, adafactor));

        double busy = compute + recompute + tensorComm + contextComm + bubble + pipelineComm + dataComm + optimizerStep;
        double tokensPerStep = (double)training.GlobalBatchSize * model.SequenceLength;
        double dataWait = training.LoaderTokensPerSecondPerDevice is { } rate
            ? Math.Max(0, tokensPerStep / dp / cp / rate - busy) // loading the next batch overlaps the step (prefetch depth ≥ 1)
            : 0;
        var time = new TimeBreakdown(compute, recompute, bubble, tensorComm, contextComm, dataComm, pipelineComm, optimizerStep, dataWait);
        double step = time.Total;

        // FLOPs of the whole step: every micro-batch of every replica through every layer, summed over tp and cp ranks.
        double replicaMicroBatches = (double)training.GlobalBatchSize / layout.MicroBatch;
        var blockOne = costs.Block();
        double modelFlops = replicaMicroBatches * t * cp * (model.Layers * blockOne.ModelFlops + head.ModelFlops);
        double hardwareFlops = replicaMicroBatches * t * cp * (model.Layers * blockOne.HardwareFlops + head.HardwareFlops);
        int devices = layout.Devices;
        double peak = accelerator.PeakFlops(precision);
        double modelPerDevice = modelFlops / step / devices, hardwarePerDevice = hardwareFlops / step / devices;

        var memory = Memory(model, training, layout, profile, parameters.First, parameters.Last, m, adafactor);
        double steps = training.Tokens / tokensPerStep;
        double seconds = steps * step;
        double deviceHours = seconds * devices / 3600;
        return new SimulationResult
        {
            Layout = layout,
            Devices = devices,
            MicroBatches = m,
            Fits = memory.Total <= accelerator.MemoryBytes,
            MemoryCapacityBytes = accelerator.MemoryBytes,
            Memory = memory,
            Time = time,
            StepTimeSeconds = step,
            TokensPerSecond = tokensPerStep / step,
            ModelTflopsPerGpu = modelPerDevice / 1e12,
            HardwareTflopsPerGpu = hardwarePerDevice / 1e12,
            ModelFlopsPerStep = modelFlops,
            HardwareFlopsPerStep = hardwareFlops,
            Mfu = modelPerDevice / peak,
            Hfu = hardwarePerDevice / peak,
            Steps = steps,
            TimeToTrainSeconds = seconds,
            DeviceHours = deviceHours,
            CostDollars = cluster.PricePerDeviceHour > 0 ? deviceHours * cluster.PricePerDeviceHour : null,
        };
    }

    /// <summary>
    /// The unfused gradient accumulation of one micro-batch: each fresh half-precision (or fp32) gradient is read and added into
    /// an fp32 buffer, read and written (Megatron-LM 2021 `main_grad.add_`, Narayanan et al. SC21 code).
    /// </summary>
    private static PassCost GradientAccumulation(double parameters, Precision precision, KernelTimer timer) =>
        new(0, timer.Memory(parameters * (precision.ActivationBytes() + 8)), 0, 0, 0, 0, 0);

    /// <summary>
    /// Exposed data-parallel communication. ZeRO 0: all-reduce of gradients; 1–2: reduce-scatter of gradients and all-gather of
    /// updated weights (same volume); 3: per micro-batch two weight all-gathers (forward, backward) and a gradient reduce-scatter
    /// (Rajbhandari et al. SC20, §7). With overlap, reduction hides behind the last micro-batch's backward in buckets (Li et al.
    /// VLDB 2020, PyTorch DDP), the weight all-gather behind the next forward, ZeRO-3 gathers behind each micro-batch's compute;
    /// the last bucket is never hidden.
    /// </summary>
    private static double DataParallelExposed(Layout layout, ModelSpec model, double deviceParams, int m, PassCost stage, GroupLink link, KernelTimer timer)
    {
        if (link.Size <= 1) return 0;
        double weightBytes = layout.Precision.IsMixed() ? 2 : 4;
        var (gradientBytes, compressionTime) = CompressedGradient(layout, model, deviceParams, weightBytes, timer);
        double weightVolume = deviceParams * weightBytes;
        double tail = Math.Min(link.AllReduce(gradientBytes), link.AllReduce(BucketBytes));
        double backward = stage.Backward + stage.Recompute;

        double exposed;
        if (layout.Zero == 0)
        {
            double reduce = link.AllReduce(gradientBytes);
            exposed = layout.Overlap ? Math.Max(tail, reduce - backward) : reduce;
        }
        else if (layout.Zero <= 2)
        {
            double scatter = link.ReduceScatter(gradientBytes), gather = link.AllGather(weightVolume);
            exposed = layout.Overlap ? Math.Max(tail, scatter - backward) + Math.Max(0, gather - stage.Forward) : scatter + gather;
        }
        else
        {
            double perMicroBatch = 2 * link.AllGather(weightVolume) + link.ReduceScatter(gradientBytes);
            exposed = layout.Overlap ? m * Math.Max(0, perMicroBatch - (stage.Forward + backward)) + tail : m * perMicroBatch;
        }
        return exposed + compressionTime;
    }

    /// <summary>
    /// Gradient bytes sent per step and the time spent compressing them. bf16 halves fp32 gradients (a cast kernel);
    /// PowerSGD of rank r sends r·(rows + cols) per matrix instead of rows·cols and costs two rank-r GEMMs per matrix
    /// (Vogels et al. NeurIPS 2019, Alg. 1); vectors are sent uncompressed.
    /// </summary>
    private static (double Bytes, double Seconds) CompressedGradient(Layout layout, ModelSpec model, double deviceParams, double weightBytes, KernelTimer timer)
    {
        double dense = deviceParams * weightBytes;
        switch (layout.Compression.Kind)
        {
            case CompressionKind.Bf16:
                return weightBytes > 2 ? (deviceParams * 2, timer.Memory(deviceParams * (weightBytes + 2))) : (dense, 0);
            case CompressionKind.PowerSgd:
                double r = layout.Compression.Rank, full = 0, lowRank = 0, seconds = 0;
                foreach (var (rows, cols) in model.BlockMatrices())
                {
                    full += rows * cols;
                    lowRank += Math.Min(rows * cols, r * (rows + cols));
                    seconds += timer.Gemm(rows, r, cols, 1, (int)weightBytes) + timer.Gemm(cols, r, rows, 1, (int)weightBytes);
                }
                double matrixShare = model.BlockMatrixParameters() * (double)model.Layers / model.ParameterCount;
                double ratio = (1 - matrixShare) + matrixShare * lowRank / full;
                return (dense * ratio, seconds * model.Layers / (layout.Pp * layout.Tp));
            default:
                return (dense, 0);
        }
    }

    /// <summary>Memory of the most loaded device: the first stage holds the most micro-batches in flight, the last the logits.</summary>
    private static MemoryBreakdown Memory(ModelSpec model, TrainingSpec training, Layout layout, DeviceProfile profile, double firstParams, double lastParams, int m, double adafactor)
    {
        double optimizerBytes = OptimizerCosts.StateBytesPerParameter(layout.Optimizer, layout.Precision, adafactor);
        int shards = layout.Dp * layout.Cp;
        double perBlock = ActivationMemory.PerBlock(model, layout, training.FlashAttention);
        double layersPerDevice = (double)model.Layers / layout.Pp;
        // The block being recomputed needs its full activations once.
        double working = layout.Recompute == RecomputeMode.Full
            ? ActivationMemory.PerBlock(model, layout with { Recompute = RecomputeMode.None }, training.FlashAttention)
            : 0;

        double e = layout.Precision.ActivationBytes();
        double tokens = layout.MicroBatch * (double)model.SequenceLength / layout.Cp;
        double logits = tokens * model.Vocab / layout.Tp * (e + 4); // logits and their fp32 softmax for the cross-entropy
        double zeroGather = layout.Zero == 3 ? 2 * model.BlockParameters / (double)layout.Tp * e : 0; // two prefetched blocks of gathered weights
        double common = profile.ReservedMemoryGB * 1e9 + 2 * BucketBytes + zeroGather + working;

        MemoryBreakdown Stage(double parameters, double inFlight, double extra)
        {
            var states = ModelStateMemory.PerDevice(parameters, shards, layout.Zero, layout.Precision, optimizerBytes);
            return new MemoryBreakdown(states.Weights, states.Gradients, states.OptimizerStates, perBlock * layersPerDevice * inFlight, common + extra);
        }

        var first = Stage(firstParams, ActivationMemory.MicroBatchesInFlight(layout, m), layout.Pp == 1 ? logits : 0);
        if (layout.Pp == 1) return first;
        var last = Stage(lastParams, layout.Schedule == PipelineSchedule.GPipe ? m : 1, logits);
        return first.Total >= last.Total ? first : last;
    }
}
