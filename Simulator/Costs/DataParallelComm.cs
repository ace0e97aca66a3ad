using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Exposed data-parallel communication of one step on the slowest stage, as each stack runs it. Hidden traffic still takes the
/// profile's share of the compute it runs under (NCCL kernels occupy SMs and memory bandwidth), and what a compute window cannot
/// hide sticks out.
/// </summary>
/// <param name="Stage">Per-micro-batch cost of the stage (its compute windows).</param>
/// <param name="Link">The data-parallel group's link (dp × cp ranks hold the same weights).</param>
/// <param name="Blocks">Transformer blocks on the stage (FSDP and ZeRO-3 gather block by block).</param>
/// <param name="GradientBytes">Gradient bytes of the stage sent per reduction (after compression).</param>
/// <param name="WeightBytes">Working-weight bytes of the stage (what an all-gather of weights moves).</param>
/// <param name="GradientElementBytes">Bytes of one gradient element in the reduction.</param>
/// <param name="ModulesPerBlock">Weight matrices per block (DeepSpeed ZeRO-3 fetches module by module).</param>
/// <param name="Replicas">With HYBRID_SHARD, the link between the shard groups' replicas (Link is then the shard group inside a node).</param>
public readonly record struct DataParallelWork(Layout Layout, PassCost Stage, GroupLink Link, int MicroBatches, int Blocks, double GradientBytes, double WeightBytes,
    double GradientElementBytes, int ModulesPerBlock, GroupLink? Replicas = null);

public static class DataParallelComm
{
    /// <summary>PyTorch DDP's default gradient bucket (torch.nn.parallel.DistributedDataParallel, bucket_cap_mb = 25).</summary>
    public const double DdpBucketBytes = 25e6;

    /// <summary>DeepSpeed's reduce_bucket_size and allgather_bucket_size defaults, 5e8 elements (deepspeed/runtime/zero/config.py, DeepSpeedZeroConfig).</summary>
    public const double DeepSpeedBucketElements = 5e8;

    /// <summary>
    /// Bytes per gradient element in the data-parallel reduction. Megatron-LM reduces bf16 runs' gradients in fp32
    /// (megatron/training/arguments.py: "bfloat16 requires gradient accumulation and all-reduce to be done in fp32", unless
    /// --grad-reduce-in-bf16); torchtitan's FSDP2 reduce-scatters in fp32 (MixedPrecisionPolicy reduce_dtype, job config
    /// mixed_precision_reduce = "float32"); DeepSpeed reduces in the model's dtype (communication_data_type unset).
    /// </summary>
    public static double GradientElementBytes(TrainingSpec training, Precision precision) => training.Framework switch
    {
        _ when !precision.IsMixed() => 4,
        Framework.Megatron => precision == Precision.Fp16 ? 2 : 4,
        Framework.Fsdp => 4,
        _ => 2,
    };

    public static double Exposed(Framework framework, in DataParallelWork work, double contention, in KernelTimer timer) =>
        work.Link.Size <= 1 && work.Replicas is not { Size: > 1 } ? 0 : framework switch
    {
        Framework.Fsdp when work.Layout.Zero >= 2 => FullyShardedExposed(work, contention, timer),
        Framework.DeepSpeed => DeepSpeedExposed(work, contention),
        _ => MegatronExposed(work, contention),
    };

    /// <summary>
    /// Megatron-LM and PyTorch DDP. ZeRO 0: all-reduce of gradients; 1–2: reduce-scatter of gradients and all-gather of updated
    /// weights (same volume); 3: per micro-batch and per block, two weight all-gathers (forward, backward) and a gradient
    /// reduce-scatter (Rajbhandari et al. SC20, §7). With overlap, reduction hides behind the last micro-batch's backward in
    /// 25 MB buckets (Li et al. VLDB 2020, PyTorch DDP; Megatron-LM overlap_grad_reduce), the weight all-gather behind the next
    /// forward (overlap_param_gather), ZeRO-3 gathers behind each micro-batch's compute; the last bucket is never hidden.
    /// </summary>
    private static double MegatronExposed(in DataParallelWork w, double contention)
    {
        var (layout, stage, link) = (w.Layout, w.Stage, w.Link);
        double backward = stage.Backward + stage.Recompute;
        if (layout.Zero == 0)
        {
            double reduce = link.AllReduceInBuckets(w.GradientBytes, DdpBucketBytes);
            return layout.Overlap ? Hidden(reduce, backward, link.AllReduce(Math.Min(w.GradientBytes, DdpBucketBytes)), contention) : reduce;
        }
        if (layout.Zero <= 2)
        {
            double scatter = link.ReduceScatterInBuckets(w.GradientBytes, DdpBucketBytes), gather = link.AllGatherInBuckets(w.WeightBytes, DdpBucketBytes);
            double tail = link.ReduceScatter(Math.Min(w.GradientBytes, DdpBucketBytes));
            return layout.Overlap ? Hidden(scatter, backward, tail, contention) + Hidden(gather, stage.Forward, 0, contention) : scatter + gather;
        }
        double perMicroBatch = 2 * link.BlockwiseAllGather(w.WeightBytes, w.Blocks) + link.BlockwiseReduceScatter(w.GradientBytes, w.Blocks);
        double lastBlock = link.ReduceScatter(w.GradientBytes / w.Blocks);
        return layout.Overlap ? w.MicroBatches * Hidden(perMicroBatch, stage.Forward + backward, 0, contention) + lastBlock : w.MicroBatches * perMicroBatch;
    }

    /// <summary>
    /// PyTorch FSDP2 as torchtitan runs it (torch.distributed.fsdp.fully_shard per block): every micro-batch all-gathers each
    /// block's bf16 weights before its forward and, with FULL_SHARD (zero=3), again before its backward, and reduce-scatters its
    /// gradients after; SHARD_GRAD_OP (zero=2, reshard_after_forward=False) keeps the gathered weights from forward to backward.
    /// The next block's gather is prefetched behind the current block's compute, so each micro-batch waits for its first gather
    /// and the step for its last reduce-scatter. Each gather copies the gathered shards out into the block's weights and each
    /// reduce-scatter copies (and upcasts) the gradients in, on the compute stream (_fsdp_collectives.py, foreach_all_gather_copy_out
    /// and foreach_reduce). HYBRID_SHARD shards inside a node and all-reduces the gradient shards across nodes.
    /// </summary>
    private static double FullyShardedExposed(in DataParallelWork w, double contention, in KernelTimer timer)
    {
        var (layout, stage, link) = (w.Layout, w.Stage, w.Link);
        int gathers = layout.Zero == 3 ? 2 : 1;
        double blockWeights = w.WeightBytes / w.Blocks, blockGradients = w.GradientBytes / w.Blocks;
        double gather = link.AllGather(blockWeights), scatter = link.ReduceScatter(blockGradients);
        double perMicroBatch = w.Blocks * (gathers * gather + scatter);
        double copies = w.Blocks * (gathers * timer.Memory(2 * blockWeights) + timer.Memory(blockGradients + blockGradients / 2));
        // HYBRID_SHARD: each block's reduce-scattered gradient shard is all-reduced across the replicas (FSDP2 HSDP, replicate mesh dim).
        if (w.Replicas is { } replicas) perMicroBatch += w.Blocks * replicas.AllReduce(blockGradients / link.Size);
        double window = stage.Forward + stage.Backward + stage.Recompute;
        if (!layout.Overlap) return w.MicroBatches * (perMicroBatch + copies);
        return w.MicroBatches * (gather + copies + Hidden(perMicroBatch - gather, window, 0, contention)) + scatter;
    }

    /// <summary>
    /// DeepSpeed's ZeRO engine. Stage 0: one all-reduce of all gradients after the last backward, never overlapped
    /// (engine.allreduce_gradients). Stages 1–2: gradients reduce-scattered in buckets of 5e8 elements, overlapped with the
    /// backward only with overlap_comm, and the last bucket never hidden; stage 2 reduces every micro-batch's gradients into the
    /// partitions, stage 1 only the last's; after the step the updated weights are all-gathered in 5e8-element buckets before the
    /// next forward, not overlapped (stage_1_and_2.py). Stage 3: each micro-batch fetches every module's weights before its
    /// forward and backward (one all-gather per weight matrix), prefetched behind compute, and reduce-scatters gradients in the
    /// same buckets (stage3.py, partitioned_param_coordinator.py).
    /// </summary>
    private static double DeepSpeedExposed(in DataParallelWork w, double contention)
    {
        var (layout, stage, link) = (w.Layout, w.Stage, w.Link);
        double bucket = Math.Min(w.GradientBytes, DeepSpeedBucketElements * w.GradientElementBytes);
        double backward = stage.Backward + stage.Recompute;
        double bucketBytes = DeepSpeedBucketElements * w.GradientElementBytes;
        if (layout.Zero == 0) return link.AllReduceInBuckets(w.GradientBytes, bucketBytes);
        if (layout.Zero <= 2)
        {
            double scatter = link.ReduceScatterInBuckets(w.GradientBytes, bucketBytes), tail = link.ReduceScatter(bucket);
            double reductions = layout.Zero == 2 ? w.MicroBatches : 1;
            double reduce = layout.Overlap ? reductions * Hidden(scatter, backward, tail, contention) : reductions * scatter;
            return reduce + link.AllGatherInBuckets(w.WeightBytes, DeepSpeedBucketElements * w.WeightBytes / w.GradientBytes * w.GradientElementBytes);
        }
        int modules = w.Blocks * w.ModulesPerBlock;
        double perMicroBatch = 2 * link.BlockwiseAllGather(w.WeightBytes, modules) + link.ReduceScatter(w.GradientBytes);
        double first = link.AllGather(w.WeightBytes / modules);
        return layout.Overlap ? w.MicroBatches * (first + Hidden(perMicroBatch, stage.Forward + backward, 0, contention)) + link.ReduceScatter(bucket)
                              : w.MicroBatches * perMicroBatch;
    }

    // Communication of length c behind a compute window w: what sticks out (at least the unhideable tail) plus the contention it causes.
    private static double Hidden(double c, double window, double minimum, double contention) =>
        Math.Max(minimum, c - window) + contention * Math.Min(c, window);
}
