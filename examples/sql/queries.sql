-- Queries for psql against the pipeline's tables (schema prefix fm_).
--   psql "$DATABASE_URL" -f examples/sql/queries.sql
-- Blobs (longblob columns) hold DataJoint's blob format: decode them with the SQL helpers in
-- fm_views (installed by `fmpipe init`), as the last queries do, or from Python or C++.

-- What is there: recordings with their frame counts and processing state.
SELECT r.subject, r.session_datetime, r.recording_id, i.nframes, i.fps,
       p.facemap_task_id, p.processing_time, p.package_version
FROM fm_facial_behavior_estimation.video_recording AS r
LEFT JOIN fm_facial_behavior_estimation._recording_info AS i USING (subject, session_datetime, recording_id)
LEFT JOIN fm_facial_behavior_estimation.__facemap_processing AS p USING (subject, session_datetime, recording_id)
ORDER BY r.subject, r.session_datetime;

-- Singular values of the first ten motion components of every full-frame analysis.
SELECT subject, session_datetime, facemap_task_id, component_id, singular_value
FROM fm_facial_behavior_estimation._facial_signal__motion_s_v_d
WHERE roi_no = 0 AND component_id < 10
ORDER BY subject, session_datetime, facemap_task_id, component_id;

-- Regions per analysis, by kind.
SELECT subject, session_datetime, roi_no, roi_name,
       EXISTS (SELECT 1 FROM fm_facial_behavior_estimation._facial_signal__pupil p
               WHERE p.subject = g.subject AND p.session_datetime = g.session_datetime
                 AND p.recording_id = g.recording_id AND p.roi_no = g.roi_no) AS is_pupil
FROM fm_facial_behavior_estimation._facial_signal__region AS g
ORDER BY subject, session_datetime, roi_no;

-- Keypoint models and their body parts.
SELECT m.model_id, m.model_name, count(b.body_part) AS body_parts
FROM fm_facemap_inference.facemap_model AS m
LEFT JOIN fm_facemap_inference.facemap_model__body_part AS b USING (model_id)
GROUP BY m.model_id, m.model_name;

-- Job queues: failures with their messages.
SELECT 'FacialSignal' AS target, subject, session_datetime, status, error_message
FROM fm_facial_behavior_estimation."~~facial_signal" WHERE status = 'error';

-- With the SQL helpers: the first pupil areas, and the mean over open-eye frames.
SELECT subject, recording_id, roi_no, area[1:5] AS first_areas,
       (SELECT avg(a) FROM unnest(area) AS a WHERE a <> 'NaN') AS mean_area
FROM fm_views.pupil;

-- A keypoint's x positions over the first ten frames, with their likelihoods.
SELECT subject, model_id, body_part, x[1:10] AS x, likelihood[1:10] AS likelihood
FROM fm_views.keypoints WHERE body_part = 'nose(tip)';

-- Any blob of numbers as an array: the full-frame average image's shape and first pixels.
SELECT subject, fm_views.dj_blob_shape(avgframe) AS shape,
       (fm_views.dj_blob_float8(avgframe))[1:5] AS first_pixels
FROM fm_facial_behavior_estimation._facial_signal__summary;
