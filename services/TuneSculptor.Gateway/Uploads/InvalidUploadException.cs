namespace TuneSculptor.Gateway.Uploads;

/// <summary>A part of the upload form is not valid; <see cref="Exception.Message"/> tells the user what to send.</summary>
public sealed class InvalidUploadException(string message) : Exception(message);
