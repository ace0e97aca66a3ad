using ScalePlanner.Reports;
using CsvHelper;

using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// Narayanan et al. SC21, Table 1: ten GPT runs on DGX A100 (80 GB), fp16, full recomputation, 2021 kernels (no fused attention).
/// The published TFLOP/s count recomputation (eq. 3), so they are compared with the predicted hardware TFLOP/s per GPU.
/// </summary>
public static partial class MegatronTable1
{
    public const string FileName = "megatron_sc21_table1.csv";

    [CsvRecord]
    public sealed partial class Row
    {
        [CsvColumn("params_b")] public double ParamsBillions { get; set; }
        [CsvColumn("heads")] public int Heads { get; set; }
        [CsvColumn("hidden")] public int Hidden { get; set; }
        [CsvColumn("layers")] public int Layers { get; set; }
        [CsvColumn("tp")] public int Tp { get; set; }
        [CsvColumn("pp")] public int Pp { get; set; }
        [CsvColumn("dp_derived")] public int Dp { get; set; }
        [CsvColumn("gpus")] public int Gpus { get; set; }
        [CsvColumn("batch")] public int Batch { get; set; }
        [CsvColumn("micro_batch")] public int MicroBatch { get; set; }
        [CsvColumn("virtual_stages_per_rank_derived")] public int VirtualStages { get; set; }
        [CsvColumn("seq_len")] public int SequenceLength { get; set; }
        [CsvColumn("vocab")] public int Vocab { get; set; }
        [CsvColumn("ddp_impl")] public string DdpImplementation { get; set; } = "";
        [CsvColumn("tflops_per_gpu")] public double TflopsPerGpu { get; set; }
    }

    public static IReadOnlyList<Row> Read(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path));
        return csv.GetRecords<Row>().ToList();
    }

    public static TrainingJob Job(Row row)
    {
        var model = ModelPresets.Get("megatron-1.7b") with
        {
            Name = $"megatron-{row.ParamsBillions}b", Layers = row.Layers, Hidden = row.Hidden, Heads = row.Heads, KvHeads = row.Heads,
            FfnHidden = 4 * row.Hidden, Vocab = row.Vocab, SequenceLength = row.SequenceLength,
        };
        var accelerator = AcceleratorCatalog.Get("a100-sxm-80gb");
        var cluster = ClusterSpec.Of(accelerator, row.Gpus / accelerator.DefaultDevicesPerNode);
        var training = new TrainingSpec { GlobalBatchSize = row.Batch, Tokens = 300e9, FlashAttention = false, FusedGradientAccumulation = false };
        return new TrainingJob(model, cluster, training);
    }

    /// <summary>The published layout: Megatron's local DDP does not overlap gradient reduction; torch DDP does (SC21 §5.1).</summary>
    public static Layout Layout(Row row) => new()
    {
        Dp = row.Dp, Tp = row.Tp, Pp = row.Pp, Vp = row.VirtualStages, MicroBatch = row.MicroBatch,
        Schedule = row.VirtualStages > 1 ? PipelineSchedule.Interleaved : PipelineSchedule.OneFOneB,
        Recompute = RecomputeMode.Full, Precision = Precision.Fp16, Optimizer = OptimizerKind.Adam,
        Overlap = row.DdpImplementation == "torch",
    };

    public static IEnumerable<ValidationRow> Validate(string path) => Evaluate(path).Select(e => e.Row);

    /// <summary>Each row's job and its validation row (predicted against published hardware TFLOP/s per GPU).</summary>
    public static IEnumerable<(TrainingJob Job, ValidationRow Row)> Evaluate(string path)
    {
        foreach (var row in Read(path))
        {
            var job = Job(row);
            var result = CostModel.Evaluate(job, Layout(row));
            yield return (job, new ValidationRow("Megatron SC21 Table 1", $"{row.ParamsBillions}B on {row.Gpus} GPUs (tp={row.Tp}, pp={row.Pp})",
                "hardware TFLOP/s per GPU", result.HardwareTflopsPerGpu, row.TflopsPerGpu));
        }
    }
}
