using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using TuneSculptor.Contracts;
using TuneSculptor.Storage;

namespace TuneSculptor.Converter.Conversion;

/// <summary>
/// Serves the videos of the jobs in flight to their ffmpeg straight from GridFS, so nothing copies a video to disk
/// first: a small HTTP server of the converter's own on 127.0.0.1 (an ephemeral port unless
/// <see cref="ConverterOptions.VideoSourcePort"/> says), started with the first job, that answers GET and HEAD for
/// one path per job (<see cref="ServedVideo"/>: 32 random bytes, valid while that job's ffmpeg runs) and nothing else.
/// Each request reads a seekable GridFS stream a chunk at a time, honouring Range: ffmpeg seeks once to an MP4's
/// index at its end, then reads in order. A source that cannot start leaves the job to a scratch copy (logged).
/// </summary>
public sealed partial class LoopbackVideoSource(
    IOptions<ConverterOptions> options,
    MediaStore media,
    ILoggerFactory loggerFactory,
    ILogger<LoopbackVideoSource> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ServedVideo> _served = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _starting = new(1, 1);
    private WebApplication? _server;
    private Uri? _baseAddress;

    /// <summary>
    /// Serves the video at a fresh address until the result is disposed; null when the source cannot be started (it
    /// is logged, and tried again for the next job).
    /// </summary>
    public async Task<ServedVideo?> TryServeAsync(JobId jobId, ObjectId videoFileId, CancellationToken cancellationToken)
    {
        if (await TryStartAsync(jobId, cancellationToken) is not { } baseAddress)
        {
            return null;
        }

        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var served = new ServedVideo(jobId, videoFileId, token, new Uri(baseAddress, token), stopped => _served.TryRemove(stopped.Token, out _));
        _served[token] = served;
        return served;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { } server)
        {
            await server.StopAsync(CancellationToken.None);
            await server.DisposeAsync();
        }

        _starting.Dispose();
    }

    private async Task<Uri?> TryStartAsync(JobId jobId, CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken);
        try
        {
            if (_baseAddress is { } started)
            {
                return started;
            }

            var server = Build(options.Value.VideoSourcePort);
            try
            {
                await server.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await server.DisposeAsync();
                LogNotStarted(jobId, ex);
                return null;
            }

            var address = server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            _server = server;
            _baseAddress = new Uri(address.TrimEnd('/') + "/");
            LogStarted(_baseAddress);
            return _baseAddress;
        }
        finally
        {
            _starting.Release();
        }
    }

    private WebApplication Build(int port)
    {
        // Nothing of the converter's configuration (URLs, HTTPS, endpoints): one plain listener on loopback only.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            // ffmpeg reads as fast as it converts: a small audio-only file may be read a few KB a second.
            kestrel.Limits.MinResponseDataRate = null;
        });
        var server = builder.Build();
        server.Run(ServeAsync);
        return server;
    }

    /// <summary>GET or HEAD of a live job's path, with or without Range; 405 for any other method, 404 for any other path.</summary>
    private async Task ServeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }

        var path = context.Request.Path.Value ?? string.Empty;
        if (path.Length < 2 || context.Request.QueryString.HasValue || !_served.TryGetValue(path[1..], out var served))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        LogRequest(served.JobId, context.Request.Method, context.Request.Headers.Range.ToString());
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, served.Stopping);
        context.RequestAborted = stopping.Token;
        Stream video;
        try
        {
            video = await media.OpenVideoAsync(served.VideoFileId, stopping.Token);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            served.RecordReadFailure(ex);
            LogReadFailed(served.JobId, ex);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        await using var readable = new ReadFailureRecordingStream(video, served);
        try
        {
            await Results.Stream(readable, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);
        }
        catch (Exception) when (served.ReadFailure is not null || stopping.IsCancellationRequested)
        {
            // Cut the response short: ffmpeg sees a read error, and the converter learns why from the served video.
            if (!stopping.IsCancellationRequested && served.ReadFailure is { } failure)
            {
                LogReadFailed(served.JobId, failure);
            }

            context.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The loopback video source listens on {Address}")]
    private partial void LogStarted(Uri address);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: ffmpeg asks for its video: {Method} {Range}")]
    private partial void LogRequest(JobId jobId, string method, string range);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the loopback video source could not be started; the job copies its video to scratch space instead")]
    private partial void LogNotStarted(JobId jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: reading its video from GridFS failed while ffmpeg read it")]
    private partial void LogReadFailed(JobId jobId, Exception exception);
}
