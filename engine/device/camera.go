package device

import (
	"image"
	"sort"

	"github.com/pion/mediadevices/pkg/driver"
	_ "github.com/pion/mediadevices/pkg/driver/camera" // registers V4L2 / AVFoundation / Media Foundation cameras at load (a directory scan, no device is opened)
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// Cameras are mediadevices drivers of type Camera: the platform's, plus any
// the host process registers with driver.GetManager().Register. The ID is the
// driver's label (on Linux "video0;video0" or its /dev/v4l/by-path name).
func cameraDrivers() []driver.Driver {
	ds := driver.GetManager().Query(driver.FilterAnd(driver.FilterVideoRecorder(), driver.FilterDeviceType(driver.Camera)))
	sort.Slice(ds, func(i, j int) bool {
		a, b := ds[i].Info(), ds[j].Info()
		if a.Priority != b.Priority {
			return a.Priority > b.Priority
		}
		return a.Label < b.Label
	})
	return ds
}

func listCameras() []Info {
	ds := cameraDrivers()
	out := make([]Info, 0, len(ds))
	for i, d := range ds {
		info := d.Info()
		name := info.Name
		if name == "" {
			name = info.Label
		}
		out = append(out, Info{ID: info.Label, Name: name, Default: i == 0})
	}
	return out
}

// CameraStream is an open camera delivering 4:2:0 frames until Close.
type CameraStream struct {
	d driver.Driver
	r video.Reader
}

// OpenCamera opens the camera id ("" = the first) asking for about w×h at
// fps; the driver's nearest mode wins, so frames may come at another size.
func OpenCamera(id string, w, h int, fps float32) (*CameraStream, error) {
	var d driver.Driver
	for _, c := range cameraDrivers() {
		if id == "" || c.Info().Label == id {
			d = c
			break
		}
	}
	if d == nil {
		return nil, ErrNotFound
	}
	return bounded(func() (*CameraStream, error) {
		if err := d.Open(); err != nil {
			return nil, err
		}
		p := nearest(d.Properties(), w, h, fps)
		r, err := d.(driver.VideoRecorder).VideoRecord(p)
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		return &CameraStream{d: d, r: video.ToI420(r)}, nil
	}, func(s *CameraStream) { _ = s.d.Close() })
}

func nearest(props []prop.Media, w, h int, fps float32) prop.Media {
	want := prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: fps}}
	best, bestScore := want, -1
	for _, p := range props {
		score := abs(p.Width-w) + abs(p.Height-h)
		if bestScore < 0 || score < bestScore {
			best, bestScore = p, score
		}
	}
	if best.FrameRate == 0 {
		best.FrameRate = fps
	}
	return best
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Read returns the next frame (4:2:0) and its release function; it blocks
// until the camera has one and fails once Close was called.
func (s *CameraStream) Read() (*image.YCbCr, func(), error) {
	img, release, err := s.r.Read()
	if err != nil {
		return nil, func() {}, err
	}
	yc, ok := img.(*image.YCbCr)
	if !ok {
		release()
		return nil, func() {}, ErrNotFound
	}
	return yc, release, nil
}

// Close stops the camera; a Read blocked in the driver returns an error.
func (s *CameraStream) Close() {
	_, _ = bounded(func() (struct{}, error) { return struct{}{}, s.d.Close() }, nil)
}
