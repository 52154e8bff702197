/* struct-layout.c — prints the C layout of the structs the Unity binding
 * passes across the ABI, as "struct.field offset" and "struct sizeof" lines,
 * compiled from include/parley.h; the Mono suite compares its own
 * Marshal.OffsetOf/SizeOf with them (test-mono.sh). */
#include <stddef.h>
#include <stdio.h>

#include "parley.h"

#define SIZE(s) printf("%s %u\n", #s, (unsigned)sizeof(s))
#define FIELD(s, f) printf("%s.%s %u\n", #s, #f, (unsigned)offsetof(s, f))

int main(void) {
  SIZE(parley_engine_profile);
  FIELD(parley_engine_profile, struct_size);
  FIELD(parley_engine_profile, app_id);
  FIELD(parley_engine_profile, app_sign);
  FIELD(parley_engine_profile, scenario);
  FIELD(parley_engine_profile, server_url);
  FIELD(parley_engine_profile, flags);

  SIZE(parley_user);
  FIELD(parley_user, user_id);
  FIELD(parley_user, user_name);

  SIZE(parley_stream);
  FIELD(parley_stream, user);
  FIELD(parley_stream, stream_id);
  FIELD(parley_stream, extra_info);

  SIZE(parley_room_config);
  FIELD(parley_room_config, struct_size);
  FIELD(parley_room_config, max_member_count);
  FIELD(parley_room_config, is_user_status_notify);
  FIELD(parley_room_config, token);

  SIZE(parley_publish_quality);
  FIELD(parley_publish_quality, struct_size);
  FIELD(parley_publish_quality, video_capture_fps);
  FIELD(parley_publish_quality, video_encode_fps);
  FIELD(parley_publish_quality, video_send_fps);
  FIELD(parley_publish_quality, video_kbps);
  FIELD(parley_publish_quality, audio_kbps);
  FIELD(parley_publish_quality, rtt_ms);
  FIELD(parley_publish_quality, packet_loss_rate);
  FIELD(parley_publish_quality, level);

  SIZE(parley_play_quality);
  FIELD(parley_play_quality, struct_size);
  FIELD(parley_play_quality, video_recv_fps);
  FIELD(parley_play_quality, video_decode_fps);
  FIELD(parley_play_quality, video_render_fps);
  FIELD(parley_play_quality, video_kbps);
  FIELD(parley_play_quality, audio_kbps);
  FIELD(parley_play_quality, rtt_ms);
  FIELD(parley_play_quality, packet_loss_rate);
  FIELD(parley_play_quality, delay_ms);
  FIELD(parley_play_quality, video_break_rate);
  FIELD(parley_play_quality, width);
  FIELD(parley_play_quality, height);
  FIELD(parley_play_quality, level);

  SIZE(parley_event_handler);
  FIELD(parley_event_handler, struct_size);
  FIELD(parley_event_handler, user_data);
  FIELD(parley_event_handler, on_debug_error);
  FIELD(parley_event_handler, on_room_state_changed);
  FIELD(parley_event_handler, on_room_user_update);
  FIELD(parley_event_handler, on_room_stream_update);
  FIELD(parley_event_handler, on_room_token_will_expire);
  FIELD(parley_event_handler, on_publisher_state_update);
  FIELD(parley_event_handler, on_publisher_quality_update);
  FIELD(parley_event_handler, on_publisher_captured_video_first_frame);
  FIELD(parley_event_handler, on_player_state_update);
  FIELD(parley_event_handler, on_player_quality_update);
  FIELD(parley_event_handler, on_player_media_event);
  FIELD(parley_event_handler, on_player_recv_video_first_frame);
  FIELD(parley_event_handler, on_player_render_video_first_frame);
  FIELD(parley_event_handler, on_player_video_size_changed);
  FIELD(parley_event_handler, on_remote_camera_state_update);
  FIELD(parley_event_handler, on_remote_mic_state_update);
  FIELD(parley_event_handler, on_network_quality);

  SIZE(parley_video_config);
  FIELD(parley_video_config, struct_size);
  FIELD(parley_video_config, capture_width);
  FIELD(parley_video_config, capture_height);
  FIELD(parley_video_config, encode_width);
  FIELD(parley_video_config, encode_height);
  FIELD(parley_video_config, fps);
  FIELD(parley_video_config, bitrate_kbps);
  FIELD(parley_video_config, codec);

  SIZE(parley_view_desc);
  FIELD(parley_view_desc, struct_size);
  FIELD(parley_view_desc, pixels);
  FIELD(parley_view_desc, width);
  FIELD(parley_view_desc, height);
  FIELD(parley_view_desc, stride);
  FIELD(parley_view_desc, view_mode);
  FIELD(parley_view_desc, flip_y);

  SIZE(parley_frame_info);
  FIELD(parley_frame_info, struct_size);
  FIELD(parley_frame_info, seq);
  FIELD(parley_frame_info, source_width);
  FIELD(parley_frame_info, source_height);
  FIELD(parley_frame_info, capture_time_ms);
  FIELD(parley_frame_info, write_time_ms);

  SIZE(parley_device_info);
  FIELD(parley_device_info, id);
  FIELD(parley_device_info, name);
  FIELD(parley_device_info, is_default);
  return 0;
}
