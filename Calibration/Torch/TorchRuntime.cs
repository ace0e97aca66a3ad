using TorchSharp;

namespace ScalePlanner.Calibration.Torch;

/// <summary>Which LibTorch this process uses: device, versions, threads. Touching it loads the native library.</summary>
public static class TorchRuntime
{
    public static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static string LibTorchVersion => torch.__version__;

    public static bool CudaAvailable => torch.cuda.is_available();

    public static torch.Device Device(string kind) => kind switch
    {
        "cuda" when CudaAvailable => torch.CUDA,
        "cuda" => throw new Simulator.Specs.SpecException("--device", "cuda: no CUDA device is visible to LibTorch (this build or machine is CPU-only); allowed here: cpu"),
        _ => torch.CPU,
    };
}
