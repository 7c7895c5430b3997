// The anatomical outlines behind the body map, one per view, drawn in a 200 x 300 unit box.
// The landmark and area coordinates in data/protocol/body-map.toml are placed on these
// drawings: change one and you must change the other. A view of another size is scaled.

export const kOutlineWidth = 200;
export const kOutlineHeight = 300;

// Each part: {kind, d} where kind is 'skin-fill' (filled, no stroke), 'skin' (body edge),
// 'bone' (filled bone), 'bone-line' (a bone edge or hint) or 'crease' (a skin fold).
// mirror: true draws the part a second time, mirrored about x = 100.
const kOutlines = {
  // The outer right hip from the side, front of the body to the left.
  side: [
    {kind: 'skin-fill',
     d: 'M 60 0 C 54 35, 48 70, 50 100 C 52 130, 58 160, 62 195 C 66 235, 70 270, 72 300 ' +
        'L 150 300 C 150 275, 152 250, 156 225 C 165 215, 178 200, 180 175 ' +
        'C 182 140, 165 115, 150 85 C 142 55, 144 30, 148 0 Z'},
    {kind: 'skin', d: 'M 60 0 C 54 35, 48 70, 50 100 C 52 130, 58 160, 62 195 C 66 235, 70 270, 72 300'},
    {kind: 'skin',
     d: 'M 148 0 C 144 30, 142 55, 150 85 C 165 115, 182 140, 180 175 C 178 200, 165 215, 156 225 ' +
        'C 152 250, 150 275, 150 300'},
    {kind: 'crease', d: 'M 156 225 C 148 222, 140 218, 134 212'},
    // The ilium: iliac crest from the front hip bone (ASIS) over the top to the back.
    {kind: 'bone',
     d: 'M 58 92 C 72 64, 96 52, 116 55 C 136 58, 152 72, 154 94 C 148 108, 140 114, 138 128 ' +
        'C 136 140, 128 150, 118 150 C 102 150, 88 138, 80 124 C 72 112, 62 104, 58 92 Z'},
    // The femur: greater trochanter at the top, the shaft running down the thigh.
    {kind: 'bone',
     d: 'M 104 172 C 100 157, 110 148, 121 150 C 133 152, 136 166, 129 181 ' +
        'C 124 212, 120 250, 118 300 L 100 300 C 102 250, 104 214, 104 172 Z'},
  ],
  // The pelvis and buttocks from behind; the right hip is on the right.
  back: [
    {kind: 'skin-fill',
     d: 'M 48 0 C 40 50, 22 100, 20 150 C 18 200, 24 250, 30 300 L 92 300 C 94 270, 97 245, 100 235 ' +
        'C 103 245, 106 270, 108 300 L 170 300 C 176 250, 182 200, 180 150 C 178 100, 160 50, 152 0 Z'},
    {kind: 'skin', mirror: true, d: 'M 152 0 C 160 50, 178 100, 180 150 C 182 200, 176 250, 170 300'},
    {kind: 'skin', mirror: true, d: 'M 108 300 C 106 270, 103 245, 100 235'},
    {kind: 'crease', d: 'M 100 128 L 100 232'},
    {kind: 'crease', mirror: true, d: 'M 102 232 C 122 240, 146 238, 166 224'},
    // The ilia, with the iliac crest along their top edge.
    {kind: 'bone', mirror: true,
     d: 'M 116 96 C 124 78, 140 66, 154 68 C 166 70, 174 82, 174 98 C 172 118, 164 132, 160 142 ' +
        'C 150 150, 140 150, 132 142 C 124 130, 118 112, 116 96 Z'},
    // The sacrum between them, narrowing to the tailbone.
    {kind: 'bone', d: 'M 84 94 L 116 94 C 116 120, 108 145, 100 164 C 92 145, 84 120, 84 94 Z'},
    // Ischium down to the sitting bone, and the pubis back to the midline.
    {kind: 'bone-line', mirror: true, d: 'M 140 150 C 146 170, 142 192, 132 206 C 124 214, 114 210, 114 200 ' +
        'C 114 192, 108 188, 100 190'},
    {kind: 'bone', mirror: true, d: 'M 118 202 C 118 196, 124 194, 130 196 C 136 200, 136 210, 128 212 C 122 213, 118 208, 118 202 Z'},
    // The femur: head in the socket, greater trochanter, shaft.
    {kind: 'bone', mirror: true,
     d: 'M 150 144 C 158 140, 166 146, 172 150 C 180 156, 180 170, 172 176 ' +
        'C 168 200, 166 250, 164 300 L 148 300 C 150 250, 152 200, 154 176 C 150 168, 146 158, 150 144 Z'},
  ],
};

// Returns the parts of the outline for `view_id`, or an empty array when there is none
// (the map then shows only the landmarks and areas).
export function outline_parts(view_id) {
  return kOutlines[view_id] ?? [];
}
