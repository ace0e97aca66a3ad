using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>
/// Turns the cost model's numbers for one layout into the event simulation's workload: per-chunk pass times from
/// <see cref="StepModel.ChunkCost"/>, point-to-point transfers on the tier each pair of neighbouring stages really uses,
/// data-parallel collectives from <see cref="GroupLink"/> bucket by bucket, optimizer steps from <see cref="StepModel.OptimizerStep"/>.
/// </summary>
public static class StepWorkloadBuilder
{
    public static StepWorkload Build(TrainingJob job, StepModel stepModel, MicroBatchCosts shape, Layout layout, TimelineOptions options)
    {
        var (model, cluster, _) = job;
        int p = layout.Pp, v = layout.Vp, replicas = layout.Dp, perGroup = layout.Tp * layout.Cp, groups = p * replicas;
        var split = layout.Stages(model);

        var work = new ChunkWork[p * v];
        for (int s = 0; s < p; s++)
            for (int c = 0; c < v; c++)
            {
                var (cost, comm) = stepModel.ChunkCost(shape, layout, c * p + s);
                work[s * v + c] = ChunkWork.From(cost, comm);
            }

        var forward = new Transfer[p == 1 ? 0 : groups];
        var backward = new Transfer[p == 1 ? 0 : groups];
        double boundary = stepModel.BoundaryBytes(layout);
        for (int g = 0; g < forward.Length; g++)
        {
            int s = g / replicas, replica = g % replicas;
            forward[g] = Send(g, ((s + 1) % p) * replicas + replica);
            backward[g] = Send(g, ((s - 1 + p) % p) * replicas + replica);
        }

        var traffic = new StageTraffic[layout.Dp * layout.Cp > 1 ? p : 0];
        var optimizer = new double[p];
        for (int s = 0; s < p; s++)
        {
            double stageParameters = 0;
            for (int c = 0; c < v; c++) stageParameters += StageParameters.Chunk(model, layout, c * p + s);
            optimizer[s] = stepModel.OptimizerStep(layout, stageParameters, shape.Timer);
            if (traffic.Length > 0) traffic[s] = Traffic(s, stageParameters);
        }

        var factors = options.DeviceFactors(cluster);
        var slowdown = new double[groups];
        for (int g = 0; g < groups; g++)
            for (int d = g * perGroup; d < (g + 1) * perGroup; d++) slowdown[g] = Math.Max(slowdown[g], factors[d]);

        return new StepWorkload(p, v, layout.MicroBatches(job.Training), replicas, layout.Schedule, work)
        {
            DevicesPerGroup = perGroup, ForwardSend = forward, BackwardSend = backward, Traffic = traffic,
            OptimizerSeconds = optimizer, Slowdown = slowdown, OverlapContention = stepModel.Profile.OverlappedCommunicationCost,
            BatchLoadSeconds = stepModel.DataWait(layout, 0), // the wait of a step that took no time: all of the batch's load time
        };

        // Each tensor-parallel rank sends its slice to its counterpart; the pair of groups is as slow as its slowest rank pair.
        Transfer Send(int from, int to)
        {
            double first = GroupLink.PointToPoint(boundary, from * perGroup, to * perGroup, cluster, stepModel.Profile);
            double last = GroupLink.PointToPoint(boundary, from * perGroup + perGroup - 1, to * perGroup + perGroup - 1, cluster, stepModel.Profile);
            bool interNode = (from * perGroup) / cluster.DevicesPerNode != (to * perGroup) / cluster.DevicesPerNode
                          || (from * perGroup + perGroup - 1) / cluster.DevicesPerNode != (to * perGroup + perGroup - 1) / cluster.DevicesPerNode;
            return new Transfer(Math.Max(first, last), interNode ? LinkTier.InterNode : LinkTier.IntraNode);
        }

        StageTraffic Traffic(int s, double stageParameters)
        {
            var link = new GroupLink(layout.Dp * layout.Cp, layout.Tp, cluster, stepModel.Profile); // gradients are reduced over dp × cp (same weights)
            double weightBytes = layout.Precision.IsMixed() ? 2 : 4;
            double gradientElement = DataParallelComm.GradientElementBytes(job.Training, layout.Precision);
            var (gradientBytes, compressSeconds) = stepModel.CompressedGradient(layout, stageParameters, split.OnStage(s), gradientElement, shape.Timer);
            double sentPerWeightByte = gradientBytes / (stageParameters * weightBytes);
            var buckets = new GradientBucket[layout.Overlap && layout.Zero < 3 ? v : 0][];
            var weightGather = new StreamedCollective[layout.Zero is 1 or 2 ? v : 0];
            var blockGather = new StreamedCollective[layout.Zero == 3 ? v : 0];
            var blockScatter = new StreamedCollective[blockGather.Length];
            for (int c = 0; c < v; c++)
            {
                int blocks = split.InChunk(c * p + s);
                double parameters = StageParameters.Chunk(model, layout, c * p + s), share = parameters / stageParameters;
                double gradients = parameters * weightBytes * sentPerWeightByte, compress = compressSeconds * share;
                if (c < buckets.Length) buckets[c] = Buckets(gradients, compress, link);
                if (c < weightGather.Length) weightGather[c] = Bucketed(parameters * weightBytes, link.AllGather);
                if (c < blockGather.Length)
                {
                    blockGather[c] = new StreamedCollective(link.BlockwiseAllGather(parameters * weightBytes, blocks), blocks);
                    blockScatter[c] = new StreamedCollective(link.BlockwiseReduceScatter(gradients, blocks) + compress, blocks);
                }
            }
            double after = layout.Overlap || layout.Zero == 3 ? 0
                : (layout.Zero == 0 ? link.AllReduce(gradientBytes) : link.ReduceScatter(gradientBytes)) + compressSeconds;
            return new StageTraffic
            {
                Tier = link.CrossesNodes ? LinkTier.InterNode : LinkTier.IntraNode, Overlap = layout.Overlap,
                Buckets = buckets, ReductionAfterBackward = after, WeightGather = weightGather, BlockGather = blockGather, BlockScatter = blockScatter,
            };
        }

        // Buckets fill in the order the backward produces gradients (last layer first, PyTorch DDP's reverse registration order),
        // evenly over the pass; ZeRO 0 all-reduces each, ZeRO 1–2 reduce-scatter it (Rajbhandari et al. SC20 §5).
        GradientBucket[] Buckets(double bytes, double compressSeconds, GroupLink link)
        {
            int count = (int)Math.Ceiling(bytes / options.BucketBytes);
            var buckets = new GradientBucket[count];
            double filled = 0;
            for (int b = 0; b < count; b++)
            {
                double size = Math.Min(options.BucketBytes, bytes - filled);
                filled += size;
                double reduce = layout.Zero == 0 ? link.AllReduce(size) : link.ReduceScatter(size);
                buckets[b] = new GradientBucket(reduce + compressSeconds * size / bytes, filled / bytes);
            }
            return buckets;
        }

        // ZeRO-1/2's weight all-gather goes out in buckets of the same size (Megatron-LM distributed optimizer, overlap_param_gather).
        StreamedCollective Bucketed(double bytes, Func<double, double> collective)
        {
            int count = (int)Math.Ceiling(bytes / options.BucketBytes);
            double whole = (count - 1) * collective(options.BucketBytes) + collective(bytes - (count - 1) * options.BucketBytes);
            return new StreamedCollective(whole, count);
        }
    }
}
